'use strict';
// Small HTTP toolkit for the sandbox: a route table, athena-style JSON output and body parsing.

/** athena's Perl-style encoder escapes "/" as "\/" (seen in recorded responses); ids may be switched to numbers. */
function encode(body, settings) {
	let value = body;
	if (settings.idsAsNumbers) value = numberIds(value);
	let text = JSON.stringify(value);
	if (settings.escapeSlashes) text = text.replace(/\//g, '\\/');
	return text;
}

function numberIds(value, key = '') {
	if (Array.isArray(value)) return value.map((v) => numberIds(v, key));
	if (value && typeof value === 'object') {
		const out = {};
		for (const [k, v] of Object.entries(value)) out[k] = numberIds(v, k);
		return out;
	}
	if (typeof value === 'string' && /id$/i.test(key) && /^\d{1,15}$/.test(value))
		return Number(value);
	return value;
}

function readBody(req, limit = 5 * 1024 * 1024) {
	return new Promise((resolve, reject) => {
		const chunks = [];
		let size = 0;
		req.on('data', (c) => {
			size += c.length;
			if (size > limit) {
				reject(Object.assign(new Error('body too large'), { status: 413 }));
				req.destroy();
			} else chunks.push(c);
		});
		req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
		req.on('error', reject);
	});
}

/** Form or JSON body, merged with the query string; keys lower-cased (athena is case-insensitive). */
function params(url, raw, contentType) {
	const out = {};
	const add = (k, v) => {
		const key = k.toLowerCase();
		// repeated keys are lists (departmentid=1&departmentid=21); the same value twice is one value
		if (out[key] === undefined) out[key] = v;
		else if (!String(out[key]).split(',').includes(v)) out[key] = `${out[key]},${v}`;
	};
	for (const [k, v] of url.searchParams) add(k, v);
	if (raw) {
		if ((contentType || '').includes('json')) {
			try {
				const parsed = JSON.parse(raw);
				if (parsed && typeof parsed === 'object')
					for (const [k, v] of Object.entries(parsed))
						add(k, typeof v === 'object' ? JSON.stringify(v) : String(v));
			} catch {
				/* athena answers bad JSON as missing fields; leave params empty */
			}
		} else for (const [k, v] of new URLSearchParams(raw)) add(k, v);
	}
	return out;
}

class Router {
	constructor() {
		this.routes = [];
	}
	add(method, pattern, handler) {
		this.routes.push({ method, pattern, handler });
		return this;
	}
	match(method, path) {
		let pathMatched = false;
		for (const r of this.routes) {
			const m = r.pattern.exec(path);
			if (!m) continue;
			pathMatched = true;
			if (r.method === method || r.method === '*') return { handler: r.handler, match: m };
		}
		return pathMatched ? { methodNotAllowed: true } : undefined;
	}
}

module.exports = { encode, readBody, params, Router };
