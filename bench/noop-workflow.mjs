// B0, Temporal's floor: a workflow that does nothing (one workflow task, no activity).
export async function noopWorkflow() {}
