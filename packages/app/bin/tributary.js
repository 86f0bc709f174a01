#!/usr/bin/env node
// The `tributary` command. A committed file (not the build output) so npm can link it before `prepare` builds.
import '../dist/cli/main.js';
