// End devices: rows keyed by (application, device), hard-deleted, with the
// JoinEUI + DevEUI pair unique among them. Not the generic EntityStore: no soft
// delete, no memberships of its own. Message fields map to columns through the
// shared row codec; the identifiers are columns of their own.
import { create } from "@bufbuild/protobuf";
import { and, asc, count, desc as descOrder, eq, getTableColumns, gt, isNull, lt, or, sql, type SQL } from "drizzle-orm";
import type { PgColumn } from "drizzle-orm/pg-core";
import { EndDeviceIdentifiersSchema } from "../../../gen/ttn/lorawan/v3/identifiers_pb.js";
import { EndDeviceSchema, type EndDevice } from "../../../gen/ttn/lorawan/v3/end_device_pb.js";
import { errEndDeviceEUIsTaken, errEndDeviceNotFound } from "../../errors/index.js";
import { copyPaths, topLevelPaths } from "../../messages/fieldmask.js";
import { euiHex } from "../../messages/eui.js";
import type { EndDeviceFilter, EndDeviceStore, Page, PageOptions } from "../interfaces.js";
import { rowCodec } from "./codec.js";
import type { Handles } from "./handle.js";
import { endDevices } from "./schema/index.js";
import { hexOf, ilike, words } from "./search.js";
import { isUniqueViolation, mapUniqueViolation } from "./violations.js";
import { anyOf, placeholder, preparedOnce, type Placeholder } from "./prepared.js";

type Row = Record<string, unknown>;

const identifierColumns = ["tenant_id", "application_id", "device_id", "dev_eui", "join_eui"];
const columnNames = Object.keys(endDevices).filter((k) => typeof (endDevices as unknown as Row)[k] === "object");
const codec = rowCodec<EndDevice>(EndDeviceSchema, columnNames, identifierColumns);
const orderColumns: Record<string, PgColumn> = {
  device_id: endDevices.device_id,
  join_eui: endDevices.join_eui,
  dev_eui: endDevices.dev_eui,
  name: endDevices.name,
  description: endDevices.description,
  created_at: endDevices.created_at,
  last_seen_at: endDevices.last_seen_at,
};

const bytes = (v: unknown) => (v ? new Uint8Array(v as Uint8Array) : undefined);
const euiColumn = (eui: Uint8Array | undefined) => (eui?.length ? eui : null);

function decode(row: Row): EndDevice {
  const device = codec.decode(row);
  device.ids = create(EndDeviceIdentifiersSchema, {
    deviceId: row.device_id as string,
    applicationIds: { applicationId: row.application_id as string },
    devEui: bytes(row.dev_eui),
    joinEui: bytes(row.join_eui),
  });
  return device;
}

/** The search conditions of the filter (text matches), AND-ed by the caller. */
function searchConditions(f: EndDeviceFilter): (SQL | undefined)[] {
  const t = endDevices;
  const conditions: (SQL | undefined)[] = [];
  if (f.query) {
    conditions.push(or(ilike(t.device_id, f.query), ilike(hexOf(t.dev_eui), f.query), ilike(hexOf(t.join_eui), f.query), ilike(t.name, f.query), words(t.description, f.query)));
  }
  if (f.idContains) conditions.push(ilike(t.device_id, f.idContains));
  if (f.nameContains) conditions.push(ilike(t.name, f.nameContains));
  if (f.descriptionContains) conditions.push(words(t.description, f.descriptionContains));
  for (const [key, value] of Object.entries(f.attributesContain ?? {})) conditions.push(ilike(sql`(${t.attributes} ->> ${key})`, value));
  if (f.devEuiContains) conditions.push(ilike(hexOf(t.dev_eui), f.devEuiContains));
  if (f.joinEuiContains) conditions.push(ilike(hexOf(t.join_eui), f.joinEuiContains));
  return conditions;
}

export function endDeviceStore(h: Handles, tenantId: string, transact: <R>(fn: (h: Handles) => Promise<R>) => Promise<R>): EndDeviceStore {
  const t = endDevices;
  type Id = string | Placeholder;
  const byId = (applicationId: Id, deviceId: Id) => and(eq(t.tenant_id, tenantId), eq(t.application_id, applicationId), eq(t.device_id, deviceId));
  // Built once (prepared.ts): devices are read by ID on every device request.
  const getById = preparedOnce("end_device_get", () =>
    h.read.select().from(t).where(byId(placeholder("application_id"), placeholder("device_id"))).limit(1));
  const notFound = (applicationId: string, deviceId: string) => errEndDeviceNotFound({ application_id: applicationId, device_id: deviceId });

  const findByEUIs = async (joinEui: Uint8Array, devEui: Uint8Array) => {
    const [row] = await h.read.select().from(t).where(and(eq(t.tenant_id, tenantId), eq(t.join_eui, joinEui), eq(t.dev_eui, devEui))).limit(1);
    return row ? decode(row) : undefined;
  };
  const euisTaken = (device: EndDevice, holder?: EndDevice) =>
    errEndDeviceEUIsTaken({
      join_eui: euiHex(device.ids?.joinEui),
      dev_eui: euiHex(device.ids?.devEui),
      device_id: holder?.ids?.deviceId ?? "",
      application_id: holder?.ids?.applicationIds?.applicationId ?? "",
    });

  return {
    async create(device) {
      const ids = device.ids!;
      const joinEui = euiColumn(ids.joinEui);
      const devEui = euiColumn(ids.devEui);
      if (joinEui && devEui) {
        const holder = await findByEUIs(joinEui, devEui);
        if (holder) throw euisTaken(device, holder);
      }
      try {
        const [row] = await h.primary
          .insert(t)
          .values({
            ...codec.encode(device),
            tenant_id: tenantId,
            application_id: ids.applicationIds!.applicationId,
            device_id: ids.deviceId,
            join_eui: joinEui,
            dev_eui: devEui,
            created_at: sql`now()`,
            updated_at: sql`now()`,
          } as never)
          .returning();
        return decode(row as Row);
      } catch (err) {
        // Another device took the pair between the check and the insert.
        if (isUniqueViolation(err) === "end_devices_eui_index") {
          const holder = await findByEUIs(joinEui!, devEui!).catch(() => undefined);
          throw euisTaken(device, holder);
        }
        mapUniqueViolation(err);
      }
    },

    async get(applicationId, deviceId) {
      const [row] = await getById({ application_id: applicationId, device_id: deviceId });
      if (!row) throw notFound(applicationId, deviceId);
      return decode(row);
    },

    async getMany(applicationId, deviceIds) {
      if (deviceIds.length === 0) return [];
      const found = await h.read
        .select()
        .from(t)
        .where(and(eq(t.tenant_id, tenantId), eq(t.application_id, applicationId), anyOf(t.device_id, deviceIds)))
        .orderBy(asc(t.device_id));
      return found.map(decode);
    },

    findByEUIs,

    async find(filter, page: PageOptions) {
      const searched = searchConditions(filter);
      const where = and(
        eq(t.tenant_id, tenantId),
        filter.applicationId !== undefined ? eq(t.application_id, filter.applicationId) : undefined,
        filter.updatedSince ? gt(t.updated_at, filter.updatedSince) : undefined,
        ...searched,
      );
      const descending = page.order?.startsWith("-") ?? false;
      const dir = descending ? descOrder : asc;
      const column = orderColumns[page.order?.replace(/^-/, "") ?? ""] ?? t.device_id;
      // Across applications (cluster peers), devices are ordered within their application.
      const order = [...(filter.applicationId === undefined ? [dir(t.application_id)] : []), dir(column), ...(column === t.device_id ? [] : [dir(t.device_id)])];
      const offset = (page.page - 1) * page.limit;
      const countAll = () => h.read.select({ n: count() }).from(t).where(where).then(([r]) => Number(r?.n ?? 0));
      if (searched.length === 0) {
        // A listing: the page comes in key order from the primary key and the count from it alone,
        // cheaper than carrying every row of the application through a window.
        const [rowsOfPage, total] = await Promise.all([h.read.select().from(t).where(where).orderBy(...order).limit(page.limit).offset(offset), countAll()]);
        return { items: rowsOfPage.map(decode), total } satisfies Page<EndDevice>;
      }
      // A search reads the matching rows once: the page and the count of all matches in one statement.
      const found = await h.read.select({ ...getTableColumns(t), search_total: sql<string>`count(*) OVER ()` }).from(t).where(where).orderBy(...order).limit(page.limit).offset(offset);
      // Past the last page the window count has no row to ride on.
      const total = found.length === 0 && page.page > 1 ? await countAll() : Number(found[0]?.search_total ?? 0);
      return { items: found.map((row) => decode(row as Row)), total } satisfies Page<EndDevice>;
    },

    async count(applicationId) {
      const [row] = await h.read.select({ n: count() }).from(t).where(and(eq(t.tenant_id, tenantId), eq(t.application_id, applicationId)));
      return Number(row?.n ?? 0);
    },

    async update(applicationId, deviceId, device, paths) {
      return transact(async (tx) => {
        const [row] = await tx.primary.select().from(t).where(byId(applicationId, deviceId)).for("update");
        if (!row) throw notFound(applicationId, deviceId);
        const current = copyPaths(EndDeviceSchema, decode(row), device, paths);
        const fields = [...topLevelPaths(paths)].filter((p) => codec.columns.has(p) && p !== "created_at" && p !== "updated_at");
        const [updated] = await tx.primary
          .update(t)
          .set({ ...codec.encode(current, fields), updated_at: sql`now()` } as never)
          .where(byId(applicationId, deviceId))
          .returning();
        return decode(updated as Row);
      });
    },

    async updateLastSeen(updates) {
      if (updates.length === 0) return;
      await transact(async (tx) => {
        for (const u of updates) {
          await tx.primary
            .update(t)
            .set({ last_seen_at: u.lastSeenAt })
            .where(and(byId(u.applicationId, u.deviceId), or(isNull(t.last_seen_at), lt(t.last_seen_at, u.lastSeenAt))));
        }
      });
    },

    async delete(applicationId, deviceId) {
      const gone = await h.primary.delete(t).where(byId(applicationId, deviceId)).returning({ id: t.device_id });
      if (gone.length === 0) throw notFound(applicationId, deviceId);
    },

    async deleteMany(applicationId, deviceIds) {
      if (deviceIds.length === 0) return;
      await h.primary.delete(t).where(and(eq(t.tenant_id, tenantId), eq(t.application_id, applicationId), anyOf(t.device_id, deviceIds)));
    },
  };
}
