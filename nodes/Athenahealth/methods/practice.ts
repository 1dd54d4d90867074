import { NodeOperationError, type ILoadOptionsFunctions } from 'n8n-workflow';

/**
 * The node's Practice ID, so the list shows ids of the practice the call will go to (the transport
 * still checks it against the credential). An expression that needs input data cannot be resolved
 * while editing; the list is refused then rather than showing another practice's records.
 */
export function practiceOf(ctx: ILoadOptionsFunctions): string | undefined {
	// a resource locator ({ mode, value }); workflows saved before it hold a plain string
	const current = ctx.getCurrentNodeParameter('practiceId');
	const raw =
		current && typeof current === 'object' && 'value' in current
			? (current as { value: unknown }).value
			: current;
	let value: unknown = raw;
	if (typeof raw === 'string' && raw.startsWith('=')) {
		try {
			value = ctx.getNodeParameter('practiceId', '', { extractValue: true });
		} catch {
			value = undefined;
		}
		if (typeof value !== 'string' && typeof value !== 'number') {
			throw new NodeOperationError(
				ctx.getNode(),
				'The Practice ID expression cannot be resolved while editing',
				{
					description:
						'Enter the ID by hand (mode "By ID"), or set Practice ID to a fixed value while you pick from the list.',
				},
			);
		}
	}
	return value === '' || value === undefined || value === null ? undefined : String(value);
}
