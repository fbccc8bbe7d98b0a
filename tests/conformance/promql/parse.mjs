// Parses each PromQL query of a JSON array (stdin) with Prometheus's own grammar (@prometheus-io/lezer-promql) and
// prints one line per query: "ok", or "error at N: <text around N>". Shares nothing with the C# query writer.
import { parser } from '@prometheus-io/lezer-promql';

let input = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => { input += chunk; });
process.stdin.on('end', () => {
  for (const query of JSON.parse(input)) {
    const tree = parser.parse(query);
    let error = -1;
    tree.iterate({ enter: (node) => { if (error < 0 && node.type.isError) { error = node.from; } } });
    console.log(error < 0 ? 'ok' : `error at ${error}: ${query.slice(Math.max(0, error - 20), error + 20)}`);
  }
});
