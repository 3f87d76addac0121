import { Client, Connection } from "@temporalio/client";

export interface TemporalClientOptions {
  address: string;
  namespace: string;
}

/** A client for starting and signalling workflows; close its connection when done. */
export async function createTemporalClient(options: TemporalClientOptions): Promise<Client> {
  const connection = await Connection.connect({ address: options.address });
  return new Client({ connection, namespace: options.namespace });
}
