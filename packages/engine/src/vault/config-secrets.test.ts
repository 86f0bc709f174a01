import { readFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateKey, keyringFromKey, type Keyring } from './keyring.js';
import { createVault, type Vault } from './vault.js';
import { isSealedValue, openConfig, SECRET_MASK, sealedKeyId, type SealedValue } from './config-secrets.js';
import { CREDENTIAL_BACKENDS, type CredentialBackend } from './test-support/backends.js';

const WEBHOOK = 'whsec-plaintext-config-secret-4d5e6f';
const NESTED = 'nested-client-secret-plaintext-7a8b';
const PATHS = ['webhookSecret', 'auth.clientSecret'];
const plain = () => ({
  repos: ['acme/widgets'],
  webhookSecret: WEBHOOK,
  auth: { clientId: 'id-1', clientSecret: NESTED },
});

describe.each(CREDENTIAL_BACKENDS)('secret config fields on the $name store', ({ create }) => {
  let backend: CredentialBackend;
  let keyring: Keyring;
  let vault: Vault;
  beforeEach(async () => {
    backend = await create();
    keyring = keyringFromKey(generateKey());
    vault = createVault({ store: backend.store, keyring });
    await backend.addSource('src-1');
    await backend.addSource('src-2');
  });
  afterEach(async () => backend.close());

  /** Seals the plaintext config for `id` and stores it as that source's config, as the engine does. */
  async function store(id: string, config: Record<string, unknown> = plain()) {
    const sealed = await vault.configSecrets.seal(id, config, PATHS);
    await backend.store.updateSource(id, { config: sealed });
    return sealed;
  }

  it('seals only the secret fields and opens them back to the plaintext config', async () => {
    const sealed = await store('src-1');
    expect(JSON.stringify(sealed)).not.toContain(WEBHOOK);
    expect(JSON.stringify(sealed)).not.toContain(NESTED);
    expect(isSealedValue(sealed.webhookSecret)).toBe(true);
    expect(sealed.repos).toEqual(['acme/widgets']);
    expect((sealed.auth as Record<string, unknown>).clientId).toBe('id-1');
    const stored = (await backend.store.getSource('src-1'))!.config;
    expect(await vault.configSecrets.open('src-1', stored)).toEqual(plain());
    if (backend.dbFile) {
      const bytes = await readFile(backend.dbFile).then(async (db) =>
        Buffer.concat([db, await readFile(`${backend.dbFile}-wal`).catch(() => Buffer.alloc(0))]),
      );
      expect(bytes.includes(Buffer.from(WEBHOOK))).toBe(false);
      expect(bytes.includes(Buffer.from(NESTED))).toBe(false);
    }
  });

  it('a sealed value moved to another source or another field does not open', async () => {
    const sealed = await store('src-1');
    await expect(vault.configSecrets.open('src-2', sealed)).rejects.toMatchObject({ code: 'secret_key_invalid' });
    const swapped = { ...sealed, auth: { clientId: 'id-1', clientSecret: sealed.webhookSecret } };
    await expect(vault.configSecrets.open('src-1', swapped)).rejects.toMatchObject({ code: 'secret_key_invalid' });
    // A tampered ciphertext does not open either (and the error carries no plaintext).
    const text = (sealed.webhookSecret as SealedValue).$sealed;
    const tampered = { ...sealed, webhookSecret: { $sealed: `${text.slice(0, -4)}AAA=` } };
    const err = await vault.configSecrets.open('src-1', tampered).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'secret_key_invalid' });
    expect(String((err as Error).message)).not.toContain(WEBHOOK);
  });

  it('an edit that sends back the mask or the sealed value keeps the stored secret; a new value replaces it', async () => {
    const before = await store('src-1');
    const kept = await vault.configSecrets.seal(
      'src-1',
      { ...plain(), webhookSecret: SECRET_MASK, auth: { clientId: 'id-2', clientSecret: before.auth } },
      PATHS,
      before,
    );
    expect(kept.webhookSecret).toEqual(before.webhookSecret);
    expect(await vault.configSecrets.open('src-1', kept)).toMatchObject({ webhookSecret: WEBHOOK });
    const replaced = await vault.configSecrets.seal(
      'src-1',
      { ...plain(), webhookSecret: 'new-secret' },
      PATHS,
      before,
    );
    expect(await vault.configSecrets.open('src-1', replaced)).toMatchObject({ webhookSecret: 'new-secret' });
    await expect(vault.configSecrets.seal('src-2', { webhookSecret: SECRET_MASK }, PATHS, {})).rejects.toMatchObject({
      code: 'invalid_config',
    });
  });

  it('rotation re-encrypts sealed config fields; the old key alone no longer opens them', async () => {
    const sealed = await store('src-1');
    const oldKeyId = sealedKeyId(sealed.webhookSecret as SealedValue)!;
    const oldKey = keyring.key(oldKeyId)!;
    const result = await vault.rotate();
    expect(result.reencryptedConfigs).toBe(1);
    expect(result.retiredKeyIds).toEqual([oldKeyId]);
    const after = (await backend.store.getSource('src-1'))!.config;
    expect(sealedKeyId(after.webhookSecret as SealedValue)).toBe(result.activeKeyId);
    expect(sealedKeyId((after.auth as Record<string, unknown>).clientSecret as SealedValue)).toBe(result.activeKeyId);
    expect(await vault.configSecrets.open('src-1', after)).toEqual(plain());
    expect(() => openConfig(keyringFromKey(oldKey), 'src-1', after)).toThrow(/not in the keyring/);
    // The copy sealed under the retired key is unreadable now.
    expect(() => openConfig(keyring, 'src-1', sealed)).toThrow(/not in the keyring/);
  });
});
