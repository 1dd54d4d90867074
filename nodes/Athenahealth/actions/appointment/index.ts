// The operations of this resource, one line each; actions/resources.ts describes the resource.

export * as addNote from './addNote.operation';
export * as book from './book.operation';
export * as cancel from './cancel.operation';
export * as checkIn from './checkIn.operation';
export * as checkOut from './checkOut.operation';
export * as createOpenSlot from './createOpenSlot.operation';
export * as get from './get.operation';
export * as getManyBooked from './getManyBooked.operation';
export * as getNotes from './getNotes.operation';
export * as getOpenSlots from './getOpenSlots.operation';
export * as reschedule from './reschedule.operation';
