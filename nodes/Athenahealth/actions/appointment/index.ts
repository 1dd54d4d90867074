import type { INodePropertyOptions } from 'n8n-workflow';

import * as addNote from './addNote.operation';
import * as book from './book.operation';
import * as cancel from './cancel.operation';
import * as checkIn from './checkIn.operation';
import * as checkOut from './checkOut.operation';
import * as createOpenSlot from './createOpenSlot.operation';
import * as get from './get.operation';
import * as getManyBooked from './getManyBooked.operation';
import * as getNotes from './getNotes.operation';
import * as getOpenSlots from './getOpenSlots.operation';
import * as reschedule from './reschedule.operation';

export const appointment = { getOpenSlots, book, reschedule, cancel, checkIn, checkOut, get, getManyBooked, addNote, getNotes, createOpenSlot };

export const appointmentOperations: INodePropertyOptions[] = [
	{ name: 'Add Note', value: 'addNote', action: 'Add a note to an appointment' },
	{ name: 'Book', value: 'book', action: 'Book an appointment', description: 'Book a patient into an open slot' },
	{ name: 'Cancel', value: 'cancel', action: 'Cancel an appointment' },
	{ name: 'Check In', value: 'checkIn', action: 'Check in an appointment', description: 'Run athena\'s check-in steps and report unmet requirements' },
	{ name: 'Check Out', value: 'checkOut', action: 'Check out an appointment' },
	{ name: 'Create Open Slot', value: 'createOpenSlot', action: 'Create open appointment slots' },
	{ name: 'Get', value: 'get', action: 'Get an appointment' },
	{ name: 'Get Many Booked', value: 'getManyBooked', action: 'Get many booked appointments', description: 'Booked appointments by date range, department, provider, patient and status' },
	{ name: 'Get Notes', value: 'getNotes', action: 'Get the notes of an appointment' },
	{ name: 'Get Open Slots', value: 'getOpenSlots', action: 'Get open appointment slots' },
	{ name: 'Reschedule', value: 'reschedule', action: 'Reschedule an appointment', description: 'Move a booked appointment into another open slot' },
];
