/** NUL-terminated strings in wasm memory. */
const decoder = new TextDecoder();

export function cString(mem: ArrayBuffer, ptr: number): string {
  const bytes = new Uint8Array(mem);
  let end = ptr;
  while (end < bytes.length && bytes[end] !== 0) end++;
  return decoder.decode(bytes.subarray(ptr, end));
}
