import { unwrap } from '@/lib/errors'
import { supabase } from '@/lib/supabase'
import type { WorkspaceRole } from '@/lib/roles'
import type { Tables } from '@/types/database.types'

export type OnboardingKit = Tables<'onboarding_kits'>
export type KitItem = Tables<'onboarding_kit_items'>
export type KitTask = Tables<'onboarding_kit_tasks'>
export type OnboardingRecord = Tables<'onboarding_records'>
export type OnboardingItem = Tables<'onboarding_items'>
export type OnboardingTask = Tables<'onboarding_tasks'>

export type KitWithParts = OnboardingKit & {
  onboarding_kit_items: KitItem[]
  onboarding_kit_tasks: KitTask[]
}
export type RecordWithParts = OnboardingRecord & {
  onboarding_items: OnboardingItem[]
  onboarding_tasks: OnboardingTask[]
}

/** What a kit hands out, as save_onboarding_kit takes it. */
export type KitItemDraft =
  | { kind: 'asset'; asset_category?: string | null; asset_model?: string | null }
  | { kind: 'seat'; license_id: string }
export interface KitTaskDraft {
  title: string
  owner_role?: WorkspaceRole | null
  owner_user_id?: string | null
  due_days: number
}
export interface KitDraft {
  id: string | null
  name: string
  role: WorkspaceRole | null
  directory_group: string | null
  items: KitItemDraft[]
  tasks: KitTaskDraft[]
}

const byOrder = <T extends { sort_order: number }>(rows: T[]) =>
  [...rows].sort((a, b) => a.sort_order - b.sort_order)

export async function listKits(workspaceId: string): Promise<KitWithParts[]> {
  const rows = await unwrap(
    supabase
      .from('onboarding_kits')
      .select('*, onboarding_kit_items(*), onboarding_kit_tasks(*)')
      .eq('workspace_id', workspaceId)
      .order('name'),
  )
  return (rows as KitWithParts[]).map((k) => ({
    ...k,
    onboarding_kit_items: byOrder(k.onboarding_kit_items),
    onboarding_kit_tasks: byOrder(k.onboarding_kit_tasks),
  }))
}

export async function saveKit(workspaceId: string, kit: KitDraft): Promise<string> {
  return unwrap(
    supabase.rpc('save_onboarding_kit', {
      p_workspace_id: workspaceId,
      // PostgREST needs every argument named; a new kit has none yet
      p_kit_id: kit.id as string,
      p_name: kit.name,
      p_role: kit.role as WorkspaceRole,
      p_directory_group: kit.directory_group as string,
      p_items: kit.items,
      p_tasks: kit.tasks as unknown as KitItemDraft[],
    }),
  )
}

export async function deleteKit(kitId: string): Promise<void> {
  await unwrap(supabase.rpc('delete_onboarding_kit', { p_kit_id: kitId }))
}

function withParts(rows: RecordWithParts[]): RecordWithParts[] {
  return rows.map((r) => ({
    ...r,
    onboarding_items: [...r.onboarding_items].sort((a, b) => a.wanted.localeCompare(b.wanted)),
    onboarding_tasks: [...r.onboarding_tasks].sort(
      (a, b) => a.due_on.localeCompare(b.due_on) || a.sort_order - b.sort_order,
    ),
  }))
}

const RECORD_SELECT = '*, onboarding_items(*), onboarding_tasks(*)'

/** Onboarding records of the workspace, open ones first, newest first (members.manage). */
export async function listRecords(workspaceId: string, limit = 100): Promise<RecordWithParts[]> {
  const rows = await unwrap(
    supabase
      .from('onboarding_records')
      .select(RECORD_SELECT)
      .eq('workspace_id', workspaceId)
      .order('started_at', { ascending: false })
      .limit(limit),
  )
  return withParts(rows as RecordWithParts[])
}

/** The caller's own latest onboarding record in the workspace (the first-day page), if any. */
export async function myRecord(
  workspaceId: string,
  userId: string,
): Promise<RecordWithParts | null> {
  const rows = await unwrap(
    supabase
      .from('onboarding_records')
      .select(RECORD_SELECT)
      .eq('workspace_id', workspaceId)
      .eq('user_id', userId)
      .order('started_at', { ascending: false })
      .limit(1),
  )
  return withParts(rows as RecordWithParts[])[0] ?? null
}

/** Ticks a task; resolves to whether that completed the onboarding. */
export async function completeTask(taskId: string): Promise<boolean> {
  return unwrap(supabase.rpc('complete_onboarding_task', { p_task_id: taskId }))
}

/** Hands an item to the new member; resolves to whether that completed the onboarding. */
export async function handOverItem(itemId: string): Promise<boolean> {
  return unwrap(supabase.rpc('hand_over_onboarding_item', { p_item_id: itemId }))
}

/** What a kit can hand out: the asset categories and models in the workspace, and its licences. */
export async function stockChoices(workspaceId: string): Promise<{
  categories: string[]
  models: string[]
  licenses: { id: string; product: string }[]
}> {
  const [assets, licenses] = await Promise.all([
    unwrap(
      supabase.from('assets').select('name, category').eq('workspace_id', workspaceId).limit(5000),
    ),
    unwrap(
      supabase
        .from('licenses')
        .select('id, product')
        .eq('workspace_id', workspaceId)
        .order('product'),
    ),
  ])
  const uniq = (values: (string | null)[]) =>
    [...new Set(values.filter((v): v is string => !!v))].sort((a, b) => a.localeCompare(b))
  return {
    categories: uniq(assets.map((r) => r.category)),
    models: uniq(assets.map((r) => r.name)),
    licenses,
  }
}

/** What the caller holds in the workspace: assets assigned to them and their licence seats. */
export async function myHoldings(
  workspaceId: string,
  userId: string,
): Promise<{ assets: string[]; seats: string[] }> {
  const [assets, seats] = await Promise.all([
    unwrap(
      supabase
        .from('assets')
        .select('name, asset_tag')
        .eq('workspace_id', workspaceId)
        .eq('assigned_to', userId)
        .order('name'),
    ),
    unwrap(
      supabase
        .from('license_seats')
        .select('licenses(product)')
        .eq('workspace_id', workspaceId)
        .eq('user_id', userId),
    ),
  ])
  return {
    assets: assets.map((a) => (a.asset_tag ? `${a.name} (${a.asset_tag})` : a.name)),
    seats: seats.map((s) => s.licenses?.product ?? 'A licence seat'),
  }
}
