export const ASSET_STATUS_LABELS: Record<string, string> = {
  in_stock: 'In stock',
  assigned: 'Assigned',
  in_repair: 'In repair',
  retired: 'Retired',
}

export const ASSET_STATUS_SEVERITY: Record<string, 'success' | 'info' | 'warn' | 'secondary'> = {
  in_stock: 'success',
  assigned: 'info',
  in_repair: 'warn',
  retired: 'secondary',
}
