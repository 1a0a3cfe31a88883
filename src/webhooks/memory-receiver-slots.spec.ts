import { MemoryReceiverSlots } from './memory-receiver-slots';
import { receiverSlotsContract } from './receiver-slots.spec-support';

describe('MemoryReceiverSlots', () => {
  receiverSlotsContract((perSubscription) => new MemoryReceiverSlots(perSubscription));
});
