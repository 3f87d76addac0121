import type { FastifyInstance, FastifyRequest } from "fastify";
import fp from "fastify-plugin";
import { Transform } from "node:stream";
import { createGunzip, createInflate } from "node:zlib";

const DECODERS: Record<string, () => Transform> = { gzip: createGunzip, "x-gzip": createGunzip, deflate: createInflate };

/**
 * Request bodies sent with Content-Encoding gzip or deflate (OTLP exporters compress by
 * default) are decompressed before parsing, so the body limits apply to what is decompressed
 * and a small bomb cannot grow past them. Responses are not compressed. Written here rather
 * than taken from @fastify/compress, which couples this with response compression.
 */
async function contentEncoding(app: FastifyInstance) {
  app.addHook("preParsing", async (request: FastifyRequest, _reply, payload) => {
    const encoding = String(request.headers["content-encoding"] ?? "identity").trim().toLowerCase();
    if (encoding === "identity" || encoding === "") return payload;
    const decoder = DECODERS[encoding];
    if (!decoder) throw app.httpErrors.unsupportedMediaType(`Content-Encoding ${encoding} is not supported: send gzip, deflate or none`);
    const decoded = decoder() as Transform & { receivedEncodedLength: number };
    // Fastify compares Content-Length with what arrived, not with what was decoded.
    decoded.receivedEncodedLength = 0;
    payload.on("data", (chunk: Buffer) => (decoded.receivedEncodedLength += chunk.length));
    payload.on("error", (error) => decoded.destroy(error));
    decoded.on("error", (error: Error & { statusCode?: number }) => {
      if (error.statusCode === undefined && "errno" in error) {
        error.statusCode = 400;
        error.message = `body is not valid ${encoding} data: ${error.message}`;
      }
    });
    return payload.pipe(decoded);
  });
}

export default fp(contentEncoding, { name: "content-encoding", dependencies: ["@fastify/sensible"] });
