import { useConfirm } from 'primevue/useconfirm'
import { ref, type Ref } from 'vue'
import { useNotify } from '@/composables/useNotify'

/** What the actions reload: a server table (`useServerTable`). */
interface Reloadable {
  load(patch?: object, recount?: boolean): Promise<void>
}

/**
 * What a page of records (Assets, Licences) does around its server table: the create / edit
 * dialog (`openEditor(null)` for a new record) and its save, a busy flag while a change is made,
 * and deletion after a confirmation. Each success is toasted and reloads the table (recounted
 * when a record was added or deleted); each failure is toasted.
 */
export function useRecordActions<T>(table: Reloadable) {
  const notify = useNotify()
  const confirm = useConfirm()
  const editing = ref(null) as Ref<T | null>
  const editorOpen = ref(false)
  const saving = ref(false)

  function openEditor(record: T | null) {
    editing.value = record
    editorOpen.value = true
  }

  /** Runs a change with `saving` set; toasts `success` or the error. Resolves to whether it worked. */
  async function attempt(action: () => Promise<unknown>, success: string): Promise<boolean> {
    saving.value = true
    const ok = await notify.attempt(action, { success })
    saving.value = false
    return ok
  }

  /** Saves the editor's record (`update` it, or `create` a new one) named `name`, then closes. */
  async function save(
    create: () => Promise<unknown>,
    update: (record: T) => Promise<unknown>,
    name: string,
  ) {
    const target = editing.value
    const ok = await attempt(
      () => (target ? update(target) : create()),
      target ? `${name} was saved.` : `${name} was added.`,
    )
    if (ok) {
      editorOpen.value = false
      await table.load({}, !target)
    }
  }

  /** Asks `message` under `header`; deletes `name` with `remove` only once the person confirms. */
  function confirmDelete(
    header: string,
    message: string,
    remove: () => Promise<unknown>,
    name: string,
  ) {
    confirm.require({
      header,
      message,
      icon: 'pi pi-exclamation-triangle',
      acceptProps: { label: 'Delete', severity: 'danger' },
      rejectProps: { label: 'Cancel', severity: 'secondary', outlined: true },
      accept: async () => {
        if (await attempt(remove, `${name} was deleted.`)) await table.load({}, true)
      },
    })
  }

  return { editing, editorOpen, saving, openEditor, attempt, save, confirmDelete }
}
