// gRPC-Web over fetch for the console: the service's own API (beidouhub.proto, read by
// protobuf.js), binary framing (application/grpc-web+proto). A frame is one flag byte (0x00
// message, 0x80 trailers), a 4-byte big-endian length and the bytes.
"use strict";

class GrpcError extends Error {
  constructor(code, message) {
    super(message || `gRPC status ${code}`);
    this.code = code;
  }
}

const GrpcStatus = Object.freeze({ OK: 0, CANCELLED: 1, UNAVAILABLE: 14, UNAUTHENTICATED: 16, PERMISSION_DENIED: 7 });

function parseTrailers(bytes) {
  const text = new TextDecoder().decode(bytes);
  const trailers = {};
  for (const line of text.split("\r\n")) {
    const colon = line.indexOf(":");
    if (colon > 0) trailers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return trailers;
}

function statusOf(headersOrTrailers) {
  const get = (k) => (headersOrTrailers.get ? headersOrTrailers.get(k) : headersOrTrailers[k]);
  const status = get("grpc-status");
  if (status === null || status === undefined) return null;
  const message = get("grpc-message");
  return { code: Number(status), message: message ? decodeURIComponent(message) : "" };
}

// Calls `path` (e.g. "/beidouhub.v1.Positions/StreamPositions") with `request` encoded by
// `requestType`, and yields each response decoded by `responseType` as a plain object.
async function* grpcCall(path, requestType, request, responseType, { token, signal } = {}) {
  const body = requestType.encode(requestType.fromObject(request)).finish();
  const frame = new Uint8Array(5 + body.length);
  new DataView(frame.buffer).setUint32(1, body.length);
  frame.set(body, 5);
  const headers = { "content-type": "application/grpc-web+proto", "x-grpc-web": "1", accept: "application/grpc-web+proto" };
  if (token) headers.authorization = `Bearer ${token}`;
  let response;
  try {
    response = await fetch(path, { method: "POST", headers, body: frame, signal, cache: "no-store" });
  } catch (e) {
    if (signal && signal.aborted) throw new GrpcError(GrpcStatus.CANCELLED, "cancelled");
    throw new GrpcError(GrpcStatus.UNAVAILABLE, `service unreachable: ${e.message}`);
  }
  if (!response.ok) throw new GrpcError(GrpcStatus.UNAVAILABLE, `HTTP ${response.status}`);
  const early = statusOf(response.headers); // trailers-only response: an error before any message
  if (early && early.code !== GrpcStatus.OK) throw new GrpcError(early.code, early.message);

  const reader = response.body.getReader();
  // Frames are read in place: one copy of what is left of a chunk when it ends mid-frame, never
  // one per message (a burst of a thousand positions arrives as a few large chunks).
  let buffer = new Uint8Array(0);
  for (;;) {
    let chunk;
    try {
      chunk = await reader.read();
    } catch (e) {
      if (signal && signal.aborted) throw new GrpcError(GrpcStatus.CANCELLED, "cancelled");
      throw new GrpcError(GrpcStatus.UNAVAILABLE, `stream broken: ${e.message}`);
    }
    if (chunk.done) break;
    if (buffer.length === 0) {
      buffer = chunk.value;
    } else {
      const joined = new Uint8Array(buffer.length + chunk.value.length);
      joined.set(buffer, 0);
      joined.set(chunk.value, buffer.length);
      buffer = joined;
    }
    const view = new DataView(buffer.buffer, buffer.byteOffset, buffer.byteLength);
    let at = 0;
    while (buffer.length - at >= 5) {
      const length = view.getUint32(at + 1);
      if (buffer.length - at < 5 + length) break;
      const flag = buffer[at];
      const payload = buffer.subarray(at + 5, at + 5 + length);
      at += 5 + length;
      if (flag & 0x80) {
        const status = statusOf(parseTrailers(payload));
        if (status && status.code !== GrpcStatus.OK) throw new GrpcError(status.code, status.message);
        return;
      }
      yield responseType.toObject(responseType.decode(payload), { longs: Number, enums: String, defaults: true, arrays: true });
    }
    buffer = at === buffer.length ? new Uint8Array(0) : buffer.slice(at);
  }
  throw new GrpcError(GrpcStatus.UNAVAILABLE, "stream ended without a status");
}

async function grpcUnary(path, requestType, request, responseType, options) {
  for await (const message of grpcCall(path, requestType, request, responseType, options)) return message;
  throw new GrpcError(GrpcStatus.UNAVAILABLE, "no response");
}
