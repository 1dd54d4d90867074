import type { INodePropertyOptions } from 'n8n-workflow';

import * as checkEligibility from './checkEligibility.operation';
import * as create from './create.operation';
import * as del from './delete.operation';
import * as getAll from './getAll.operation';
import * as getEligibility from './getEligibility.operation';
import * as update from './update.operation';

export const patientInsurance = { getAll, create, update, delete: del, checkEligibility, getEligibility };

export const patientInsuranceOperations: INodePropertyOptions[] = [
	{ name: 'Check Eligibility', value: 'checkEligibility', action: 'Check eligibility of a policy', description: 'Write: ask athena to run a real-time eligibility check with the payer (slow; never repeated automatically); returns the status and the X12 271' },
	{ name: 'Create', value: 'create', action: 'Add a policy to a patient', description: 'Write: add a policy (package, sequence, member ID, policy holder); returns the new policy' },
	{ name: 'Delete', value: 'delete', action: 'Cancel a policy', description: 'Write: cancel a policy by insurance ID or sequence number (athena keeps it as cancelled)' },
	{ name: 'Get Last Eligibility Result', value: 'getEligibility', action: 'Get the last eligibility result', description: "Read a policy's eligibility status and the stored 271 of its last check (patient ID and insurance ID or sequence)" },
	{ name: 'Get Many', value: 'getAll', action: 'Get many policies of a patient', description: "List a patient's insurance policies (patient ID, digits); one item per policy" },
	{ name: 'Update', value: 'update', action: 'Update a policy', description: 'Write: change details of a policy (member ID, dates, holder) by insurance ID or sequence number' },
];
