import type { ResourceDefinition } from '../types';
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

export const appointment: ResourceDefinition = {
	name: 'Appointment',
	resource: 'appointment',
	defaultOperation: 'getOpenSlots',
	operations: [getOpenSlots, book, reschedule, cancel, checkIn, checkOut, get, getManyBooked, addNote, getNotes, createOpenSlot],
};
