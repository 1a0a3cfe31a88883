import { ReceiverSlots } from './receiver-slots';

describe('ReceiverSlots', () => {
  it('lets each subscription send at most its limit at once; others are not affected', () => {
    const slots = new ReceiverSlots(2);
    expect(slots.tryAcquire('hung', 'd1')).toBe(true);
    expect(slots.tryAcquire('hung', 'd2')).toBe(true);
    expect(slots.tryAcquire('hung', 'd3')).toBe(false);
    expect(slots.tryAcquire('healthy', 'e1')).toBe(true);
    expect(slots.inFlightFor('hung')).toBe(2);
    expect(slots.inFlightFor('healthy')).toBe(1);
  });

  it('hands the freed slot to the delivery that has waited longest, each once', () => {
    const slots = new ReceiverSlots(1);
    expect(slots.tryAcquire('s', 'd1')).toBe(true);
    expect(slots.tryAcquire('s', 'd2')).toBe(false);
    expect(slots.tryAcquire('s', 'd3')).toBe(false);
    // Queued again (a sweep) while it waits: still one place in the line.
    expect(slots.tryAcquire('s', 'd2')).toBe(false);
    expect(slots.release('s')).toBe('d2');
    expect(slots.inFlightFor('s')).toBe(0);
    expect(slots.tryAcquire('s', 'd2')).toBe(true);
    expect(slots.release('s')).toBe('d3');
    expect(slots.release('s')).toBeUndefined();
  });

  it('forgets a subscription with nothing in flight or waiting', () => {
    const slots = new ReceiverSlots(1);
    slots.tryAcquire('s', 'd1');
    expect(slots.release('s')).toBeUndefined();
    expect(slots.inFlightFor('s')).toBe(0);
    expect(slots.tryAcquire('s', 'd2')).toBe(true);
  });
});
