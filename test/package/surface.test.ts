// Saved workflows keep working: the nodes' type names, versions, parameter names, defaults and
// option values equal the ones recorded in test/fixtures/node-surface.json (written before the
// operations moved into one file each). A deliberate change updates the fixture with
// UPDATE_SURFACE=1 npx jest test/package/surface.test.ts, and says so in the changelog.
import fs from 'node:fs';
import path from 'node:path';

import { surface } from './surface';

/* eslint-disable @typescript-eslint/no-require-imports */
const { Athenahealth } = require('../../dist/nodes/Athenahealth/Athenahealth.node.js');
const { AthenahealthTrigger } = require('../../dist/nodes/Athenahealth/AthenahealthTrigger.node.js');
const { AthenahealthOAuth2Api } = require('../../dist/credentials/AthenahealthOAuth2Api.credentials.js');
/* eslint-enable @typescript-eslint/no-require-imports */

const FIXTURE = path.join(__dirname, '..', 'fixtures', 'node-surface.json');

test('node types, versions, parameter names, defaults and option values are unchanged', () => {
	const credential = new AthenahealthOAuth2Api();
	const now = [
		surface(new Athenahealth().description),
		surface(new AthenahealthTrigger().description),
		surface({ name: credential.name, version: 1, properties: credential.properties } as never),
	];
	if (process.env.UPDATE_SURFACE) fs.writeFileSync(FIXTURE, `${JSON.stringify(now, null, 1)}\n`);
	expect(now).toEqual(JSON.parse(fs.readFileSync(FIXTURE, 'utf8')));
});
