// Baseline (a): the HTTP ceiling. A bare Fastify route that parses the same JSON body and answers
// 202, with no validation, auth or dispatch. Prints its port, then serves until killed.
import Fastify from "fastify";

const app = Fastify({ logger: false, bodyLimit: 1_048_576 });
app.post("/v1/traces", async (request, reply) => reply.code(202).send({ id: request.body.id, workflowId: "x" }));
const address = await app.listen({ host: "127.0.0.1", port: 0 });
console.log(`listening ${address}`);
