/** Number of hash slots in a Redis Cluster. */
export const REDIS_CLUSTER_SLOTS = 16384;

// CRC16-CCITT (XMODEM): polynomial 0x1021, initial value 0, the variant Redis Cluster specifies for key slots.
const crcTable = (() => {
  const table = new Uint16Array(256);
  for (let byte = 0; byte < 256; byte += 1) {
    let crc = byte << 8;
    for (let bit = 0; bit < 8; bit += 1) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
    table[byte] = crc;
  }
  return table;
})();

/**
 * The Redis Cluster hash slot of a key, honouring hash tags (`{...}`) exactly as the server does: only the first
 * `{` counts, and an empty tag hashes the whole key. Used to split multi-key commands so none crosses a slot.
 */
export function keySlot(key: string): number {
  const bytes = Buffer.from(key, 'utf8');
  const open = bytes.indexOf(0x7b); // '{'
  let start = 0;
  let end = bytes.length;
  if (open !== -1) {
    const close = bytes.indexOf(0x7d, open + 1); // '}'
    if (close > open + 1) {
      start = open + 1;
      end = close;
    }
  }
  let crc = 0;
  for (let i = start; i < end; i += 1) {
    crc = ((crc << 8) & 0xffff) ^ (crcTable[((crc >> 8) ^ (bytes[i] ?? 0)) & 0xff] ?? 0);
  }
  return crc % REDIS_CLUSTER_SLOTS;
}
