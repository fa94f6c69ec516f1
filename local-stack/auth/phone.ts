// Phone numbers as Auth reads them. The stand-in sends no SMS, but Auth validates numbers on
// routes that do not check whether phone sign-in is on (/verify), so the answers must match.
import { badRequest } from './errors.ts'

/** Auth's validatePhone: drops a leading "+" and spaces, then requires E.164 digits. */
export function validatePhone(phone: string): string {
  const digits = phone.replace(/^\+/, '').replaceAll(' ', '')
  if (!/^[1-9][0-9]{1,14}$/.test(digits))
    throw badRequest('validation_failed', 'Invalid phone number format (E.164 required)')
  return digits
}
