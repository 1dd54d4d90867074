// The built package as n8n's own loader sees it.
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

import { loadPackage, ROOT } from '../harness/n8n';

const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8'));

test('package.json follows the community-node rules', () => {
	expect(pkg.name).toBe('n8n-nodes-athenahealth');
	expect(pkg.license).toBe('MIT');
	expect(pkg.keywords).toContain('n8n-community-node-package');
	expect(pkg.dependencies ?? {}).toEqual({});
	expect(pkg.peerDependencies).toEqual({ 'n8n-workflow': '*' });
	// optional: npm then installs no second n8n-workflow beside the package (n8n's manual install), the host's is used
	expect(pkg.peerDependenciesMeta).toEqual({ 'n8n-workflow': { optional: true } });
	for (const file of [...pkg.n8n.nodes, ...pkg.n8n.credentials]) expect(file).toMatch(/^dist\//);
});

test("n8n's PackageDirectoryLoader loads dist/ without warnings", async () => {
	const { loader, warnings } = await loadPackage();
	expect(warnings).toEqual([]);
	expect(loader.packageName).toBe('n8n-nodes-athenahealth');
	expect(Object.keys(loader.credentialTypes)).toEqual(['athenahealthOAuth2Api']);
	const expected = pkg.n8n.nodes.map((f: string) =>
		path
			.basename(f)
			.split('.')[0]
			.replace(/^./, (c: string) => c.toLowerCase()),
	);
	expect(Object.keys(loader.nodeTypes).sort()).toEqual(expected.sort());
	for (const node of loader.types.nodes) {
		expect(node.iconUrl).toEqual({
			light: expect.stringMatching(/athenahealth\.svg$/),
			dark: expect.stringMatching(/athenahealth\.dark\.svg$/),
		});
		expect(node.codex?.categories?.length).toBeGreaterThan(0);
	}
	expect(loader.types.credentials[0].iconUrl).toBeDefined();
});

test('the action node is usable as a tool and the credential extends oAuth2Api', async () => {
	const { loader } = await loadPackage();
	expect(loader.nodeTypes.athenahealth.type.description.usableAsTool).toBe(true);
	const cred = loader.credentialTypes.athenahealthOAuth2Api.type;
	expect(cred.extends).toEqual(['oAuth2Api']);
	const hidden = Object.fromEntries(
		cred.properties.filter((p) => p.type === 'hidden').map((p) => [p.name, p.default]),
	);
	expect(hidden).toMatchObject({ grantType: 'clientCredentials', authentication: 'header' });
	expect(cred.test?.request.url).toContain('/ping');
});

test('the packed package holds the codex files and nothing from test/ (n8n-node build would drop the codex; gulp copies it)', () => {
	const [packed] = JSON.parse(
		execFileSync('npm', ['pack', '--dry-run', '--json', '--silent'], {
			cwd: ROOT,
			encoding: 'utf8',
		}),
	);
	const files = packed.files.map((f: { path: string }) => f.path);
	for (const node of pkg.n8n.nodes) expect(files).toContain(`${node}on`);
	expect(
		files.filter(
			(f: string) =>
				!/^(dist\/|index\.js$|package\.json$|README\.md$|LICENSE$|CHANGELOG\.md$)/.test(f),
		),
	).toEqual([]);
});
