/**
 * Persistence in the browser's IndexedDB (through `idb`): trained models, evaluation runs and
 * (later) datasets survive a reload. Each item has small metadata, listed without loading its
 * payload, and a payload stored in the same transaction — so a write either lands whole or not
 * at all. A full or blocked storage becomes a clear Error and changes nothing.
 */
import { type DBSchema, type IDBPDatabase, openDB } from 'idb';
import type { LibraryItem, LibraryKind } from './protocol/library';

export const DB_NAME = 'robustness-workbench';
const DB_VERSION = 1;


interface WorkbenchDb extends DBSchema {
  meta: { key: [LibraryKind, string]; value: LibraryItem & { kind: LibraryKind }; indexes: { byKind: LibraryKind } };
  payload: { key: [LibraryKind, string]; value: { kind: LibraryKind; id: string; data: unknown } };
}

let dbPromise: Promise<IDBPDatabase<WorkbenchDb>> | null = null;

/** Turns IndexedDB failures into messages a user can act on. */
export function storageError(e: unknown, action: string): Error {
  const name = e instanceof Error || (e && typeof e === 'object' && 'name' in e) ? String((e as { name: string }).name) : '';
  const detail = e instanceof Error ? e.message : String(e);
  if (name === 'QuotaExceededError') {
    return new Error(`Browser storage is full, so ${action} did not happen; nothing was changed. Delete saved models, runs or datasets to make room.`);
  }
  if (name === 'InvalidStateError' || name === 'SecurityError' || name === 'UnknownError' || /indexedDB/i.test(detail)) {
    return new Error(`Browser storage is unavailable (${detail || name}), so ${action} did not happen; nothing was changed. Private windows and some settings block it.`);
  }
  return new Error(`${action} failed: ${detail || name}. Nothing was changed.`);
}

function db(): Promise<IDBPDatabase<WorkbenchDb>> {
  if (!dbPromise) {
    if (typeof indexedDB === 'undefined') return Promise.reject(storageError(new Error('indexedDB is not available here'), 'opening the library'));
    dbPromise = openDB<WorkbenchDb>(DB_NAME, DB_VERSION, {
      upgrade(database) {
        const meta = database.createObjectStore('meta', { keyPath: ['kind', 'id'] });
        meta.createIndex('byKind', 'kind');
        database.createObjectStore('payload', { keyPath: ['kind', 'id'] });
      },
      blocked() {
        dbPromise = null;
      },
    }).catch((e) => {
      dbPromise = null;
      throw storageError(e, 'opening the library');
    });
  }
  return dbPromise;
}

/** Closes the connection (tests; a page closing does it implicitly). */
export async function closeStorage(): Promise<void> {
  if (dbPromise) (await dbPromise.catch(() => null))?.close();
  dbPromise = null;
}

export function newItemId(): string {
  return `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}

export async function listItems(kind: LibraryKind): Promise<LibraryItem[]> {
  try {
    const items = await (await db()).getAllFromIndex('meta', 'byKind', kind);
    return items.map(({ kind: _k, ...item }) => item).sort((a, b) => b.createdAt - a.createdAt);
  } catch (e) {
    throw e instanceof Error && /storage|library/i.test(e.message) ? e : storageError(e, 'listing the library');
  }
}

/** Stores an item and its payload in one transaction. */
export async function putItem(kind: LibraryKind, item: LibraryItem, data: unknown): Promise<LibraryItem> {
  const d = await db();
  const tx = d.transaction(['meta', 'payload'], 'readwrite');
  const writes: Array<Promise<unknown>> = [];
  try {
    writes.push(tx.objectStore('meta').put({ ...item, kind }));
    writes.push(tx.objectStore('payload').put({ kind, id: item.id, data }));
    await Promise.all([...writes, tx.done]);
    return item;
  } catch (e) {
    for (const w of writes) w.catch(() => undefined);
    // A request that fails at once (not through the transaction) would otherwise let the other
    // write commit on its own.
    try {
      tx.abort();
    } catch {
      // already finished or aborted
    }
    await tx.done.catch(() => undefined);
    throw storageError(e, `saving "${item.name}"`);
  }
}

export async function getPayload<T>(kind: LibraryKind, id: string): Promise<T> {
  const d = await db();
  let record: { data: unknown } | undefined;
  try {
    record = await d.get('payload', [kind, id]);
  } catch (e) {
    throw storageError(e, 'reading the library');
  }
  if (!record) throw new Error(`Nothing saved under this ${kind.slice(0, -1)} any more (it may have been deleted in another tab).`);
  return record.data as T;
}

export async function renameItem(kind: LibraryKind, id: string, name: string): Promise<LibraryItem> {
  const clean = name.trim();
  if (!clean) throw new Error('A name cannot be empty.');
  if (clean.length > 120) throw new Error('Names are limited to 120 characters.');
  const d = await db();
  try {
    const tx = d.transaction('meta', 'readwrite');
    const item = await tx.store.get([kind, id]);
    if (!item) throw new Error(`Nothing saved under this ${kind.slice(0, -1)} any more.`);
    const renamed = { ...item, name: clean };
    await Promise.all([tx.store.put(renamed), tx.done]);
    const { kind: _k, ...out } = renamed;
    return out;
  } catch (e) {
    throw e instanceof Error && /Nothing saved/.test(e.message) ? e : storageError(e, `renaming to "${clean}"`);
  }
}

export async function deleteItem(kind: LibraryKind, id: string): Promise<void> {
  const d = await db();
  try {
    const tx = d.transaction(['meta', 'payload'], 'readwrite');
    await Promise.all([tx.objectStore('meta').delete([kind, id]), tx.objectStore('payload').delete([kind, id]), tx.done]);
  } catch (e) {
    throw storageError(e, 'deleting');
  }
}
