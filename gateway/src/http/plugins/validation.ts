import { createValidator } from "@cognobserve/shared";
import type { TSchema } from "@sinclair/typebox";
import { Value } from "@sinclair/typebox/value";
import type { FastifyInstance } from "fastify";
import fp from "fastify-plugin";

/**
 * Route schemas are checked with the shared TypeBox validators, so a bad field gets the same
 * message everywhere. Query strings and path parameters arrive as strings and are converted first.
 */
async function validation(app: FastifyInstance) {
  app.setValidatorCompiler(({ schema, httpPart }) => {
    const validator = createValidator(schema as TSchema);
    const fromStrings = httpPart === "querystring" || httpPart === "params";
    return (data: unknown) => {
      const input = fromStrings ? Value.Convert(schema as TSchema, Value.Default(schema as TSchema, { ...(data as object) })) : data;
      const result = validator.validate(input);
      if (result.ok) return { value: result.value };
      const error = Object.assign(new Error(result.message), { statusCode: 400 });
      return { error };
    };
  });
}

export default fp(validation, { name: "validation" });
