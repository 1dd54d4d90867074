// Captures every line n8n's logger writes (our nodes log through it too), instead of printing it.
import { Logger } from '@n8n/backend-common';
import { Container } from '@n8n/di';

export function captureLogs(): string[] {
	const lines: string[] = [];
	const logger = Container.get(Logger) as unknown as {
		internalLogger: { log: (level: string, message: string, meta?: object) => void };
	};
	logger.internalLogger.log = (level, message, meta) => {
		lines.push(`${level} ${message} ${JSON.stringify(meta ?? {})}`);
	};
	return lines;
}
