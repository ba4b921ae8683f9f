/**
 * The library's IndexedDB layer (workers/storage.ts) on fake-indexeddb: items and payloads land
 * together, list/rename/delete work, and a full storage becomes a clear message with nothing
 * half-written.
 */
import 'fake-indexeddb/auto';
import { afterEach, beforeEach, expect, test } from 'vitest';
import { closeStorage, deleteItem, getPayload, listItems, putItem, renameItem, storageError } from '../../workers/storage';

beforeEach(async () => {
  await closeStorage();
  // A fresh database for every test.
  await new Promise<void>((resolve) => {
    const r = indexedDB.deleteDatabase('robustness-workbench');
    r.onsuccess = r.onerror = r.onblocked = () => resolve();
  });
});
afterEach(() => closeStorage());

const item = (id: string, name: string, createdAt = 1) => ({ id, name, createdAt, bytes: 8, info: { method: 'trades' } });

test('saved items list newest first, with their payloads kept apart', async () => {
  await putItem('models', item('a', 'first', 1), { weights: new Uint8Array([1, 2, 3]).buffer });
  await putItem('models', item('b', 'second', 2), { weights: new Uint8Array([4]).buffer });
  await putItem('runs', item('r', 'a run', 3), { accuracy: 0.9 });
  const models = await listItems('models');
  expect(models.map((m) => m.name)).toEqual(['second', 'first']);
  expect(models[0]).toEqual(item('b', 'second', 2));
  const payload = await getPayload<{ weights: ArrayBuffer }>('models', 'a');
  expect(Array.from(new Uint8Array(payload.weights))).toEqual([1, 2, 3]);
  expect(await getPayload('runs', 'r')).toEqual({ accuracy: 0.9 });
  expect((await listItems('runs')).map((r) => r.id)).toEqual(['r']);
});

test('rename and delete; renaming to nothing is refused and changes nothing', async () => {
  await putItem('models', item('a', 'old'), { x: 1 });
  expect((await renameItem('models', 'a', '  new name ')).name).toBe('new name');
  await expect(renameItem('models', 'a', '   ')).rejects.toThrow(/cannot be empty/);
  expect((await listItems('models'))[0].name).toBe('new name');
  await deleteItem('models', 'a');
  expect(await listItems('models')).toEqual([]);
  await expect(getPayload('models', 'a')).rejects.toThrow(/Nothing saved/);
  await expect(renameItem('models', 'a', 'x')).rejects.toThrow(/Nothing saved/);
});

test('a full storage gives a clear message and leaves neither the item nor its payload behind', async () => {
  await putItem('models', item('keep', 'kept'), { x: 1 });
  const proto = IDBObjectStore.prototype as unknown as { put: (...a: unknown[]) => unknown };
  const original = proto.put;
  let calls = 0;
  proto.put = function (this: IDBObjectStore, ...args: unknown[]) {
    calls += 1;
    // The metadata write succeeds, the payload write hits the quota.
    if (this.name === 'payload') throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    return original.apply(this, args);
  };
  try {
    await expect(putItem('models', item('big', 'too big'), { x: 2 })).rejects.toThrow(/storage is full.*nothing was changed/i);
  } finally {
    proto.put = original;
  }
  expect(calls).toBeGreaterThan(0);
  expect((await listItems('models')).map((m) => m.id)).toEqual(['keep']);
  await expect(getPayload('models', 'big')).rejects.toThrow(/Nothing saved/);
});

test('storageError names the situation', () => {
  expect(storageError(new DOMException('x', 'QuotaExceededError'), 'saving').message).toMatch(/full/);
  expect(storageError(new DOMException('x', 'InvalidStateError'), 'saving').message).toMatch(/unavailable/);
  expect(storageError(new Error('boom'), 'saving').message).toMatch(/saving failed: boom/);
});
