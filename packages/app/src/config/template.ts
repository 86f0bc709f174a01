/**
 * The commented config file `tributary init` writes. It is valid as written (no sources); each example becomes
 * active by removing the leading `# ` of its lines. Keep the examples in step with docs/configuration.md.
 */
export const CONFIG_TEMPLATE = `# Tributary — declarative sources.
# Apply with:   tributary apply -f <this file> [--dry-run] [--prune]
# Docs:         docs/configuration.md   ·   connectors and their config:  tributary connectors <type>
#
# Values may reference the environment — \${NAME}, \${NAME:-default} — or a file — \${file:/path/to/secret}.
# Keep secrets out of this file: reference them.
version: 1
sources: []
# Replace the line above with a list, for example:
#
# sources:
#   - id: notes                    # stable key; keep it when you rename the source
#     type: obsidian               # the connector (tributary connectors)
#     name: my-notes
#     config:
#       vaultPath: \${HOME}/Documents/Notes
#     schedule:
#       intervalMinutes: 30
#
#   - id: code
#     type: git
#     name: tributary-repo
#     config:
#       rootDir: \${HOME}/src/tributary
#     schedule:
#       cron: "0 * * * *"          # hourly
#     enabled: false               # declared but paused
#
#   - id: mail
#     type: imap
#     name: work-mail
#     config:
#       host: imap.example.com
#       user: ada@example.com
#       password: \${IMAP_PASSWORD}   # from the environment at apply time
#       includeFolders: [INBOX]
#     features: {}
`;
