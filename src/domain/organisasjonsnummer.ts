// Brønnøysundregistrene: 9 digits, the last a modulus-11 check digit with weights 3 2 7 6 5 4 3 2.
const WEIGHTS = [3, 2, 7, 6, 5, 4, 3, 2]

export function isValidOrganisasjonsnummer (value: string): boolean {
  if (!/^\d{9}$/.test(value)) return false
  const digits = [...value].map(Number)
  const sum = WEIGHTS.reduce((acc, w, i) => acc + w * digits[i]!, 0)
  const remainder = sum % 11
  const check = remainder === 0 ? 0 : 11 - remainder
  return check !== 10 && check === digits[8]
}
