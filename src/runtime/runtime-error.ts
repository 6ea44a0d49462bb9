/** Wraps onnxruntime failures with what a person needs: model, node, real inputs. */
import { PruneguardError } from '../errors.js';

/** The node onnxruntime blames, from messages like "...running Add node. Name:'add_3' Status Message: ...". */
export function blamedNode(message: string): { name: string; op?: string } | undefined {
  const running = /running (\w+) node\. Name:'([^']*)'/.exec(message);
  if (running) return { op: running[1], name: running[2] };
  const loading = /Node \(([^)]*)\) Op \((\w+)\)/.exec(message); // load-time shape inference
  if (loading) return { name: loading[1], op: loading[2] };
  const other = /Node \(([^)]*)\)/.exec(message) ?? /node\. Name:'([^']*)'/.exec(message);
  return other ? { name: other[1] } : undefined;
}

export function wrapRuntimeError(e: unknown, context: string, inputs?: string): PruneguardError {
  if (e instanceof PruneguardError) return e;
  const message = (e instanceof Error ? e.message : String(e)).replace(/\s+/g, ' ').trim();
  const node = blamedNode(message);
  const parts = [context];
  if (node) parts.push(`at node '${node.name}'${node.op ? ` (${node.op})` : ''}`);
  if (inputs) parts.push(`inputs ${inputs}`);
  return new PruneguardError('E_RUNTIME', `${parts.join(', ')}: ${message}`, { cause: e });
}
