// Whole-list loads the SPA made (no paging; PostgREST stops at db-max-rows 10,000): the Assets
// page's listAssets and the Assets/Licences pages' listAllMembers.
import type { BenchContext } from '../context.ts'
import type { ReadCase } from '../lib.ts'
import { measureReads } from './reads.ts'
import type { Session } from './session.ts'

export function spaCases(ctx: BenchContext): ReadCase[] {
  const ws = ctx.workspaceId
  return [
    {
      id: 'spa.assets_list',
      group: 'spa',
      label: 'Assets page: listAssets (all rows, capped at 10,000)',
      read: {
        table: 'assets',
        select: '*',
        count: null,
        limit: 10000,
        apiLimit: false,
        order: [['asset_tag', 'asc']],
        filters: [['eq', 'workspace_id', ws]],
      },
    },
    {
      id: 'spa.all_members',
      group: 'spa',
      label: 'Assets/Licences pages: listAllMembers (10,000 rows)',
      read: {
        table: 'member_directory',
        select: '*',
        count: null,
        limit: 10000,
        apiLimit: false,
        order: [['last_active_at', 'asc', 'nullsfirst']],
        filters: [['eq', 'workspace_id', ws]],
      },
    },
  ]
}

/** `--only=spa` */
export const spa = (s: Session): Promise<void> => measureReads(s, spaCases(s.ctx))
