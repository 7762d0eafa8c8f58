import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { Contact, type Gesture } from './contact.ts';

describe('Contact', () => {
  let gestures: Gesture[];
  let contact: Contact;
  beforeEach(() => {
    vi.useFakeTimers();
    gestures = [];
    contact = new Contact({ debounceMs: 50, longPressMs: 3_000 }, (g) => gestures.push(g));
  });
  afterEach(() => vi.useRealTimers());

  it('a closure released before 3 s is one press, sent on release', async () => {
    contact.input(true);
    await vi.advanceTimersByTimeAsync(500);
    expect(gestures).toEqual([]);
    contact.input(false);
    await vi.advanceTimersByTimeAsync(49);
    expect(gestures).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(gestures).toEqual(['press']);
  });

  it('bounce on closing and on opening is still one press; repeats change nothing', async () => {
    for (const closed of [true, false, true, false, true]) {
      contact.input(closed);
      await vi.advanceTimersByTimeAsync(5);
    }
    contact.input(true);
    await vi.advanceTimersByTimeAsync(300);
    for (const closed of [false, true, false]) {
      contact.input(closed);
      await vi.advanceTimersByTimeAsync(5);
    }
    await vi.advanceTimersByTimeAsync(100);
    expect(gestures).toEqual(['press']);
  });

  it('a closure shorter than the debounce is noise', async () => {
    contact.input(true);
    await vi.advanceTimersByTimeAsync(30);
    contact.input(false);
    await vi.advanceTimersByTimeAsync(500);
    expect(gestures).toEqual([]);
  });

  it('held 3 s is a long_press at the 3 s mark, and its release sends nothing', async () => {
    contact.input(true);
    await vi.advanceTimersByTimeAsync(2_999);
    expect(gestures).toEqual([]);
    await vi.advanceTimersByTimeAsync(1);
    expect(gestures).toEqual(['long_press']);
    contact.input(false);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(gestures).toEqual(['long_press']);
  });

  it('reset (board lost) ends a closure without a gesture', async () => {
    contact.input(true);
    await vi.advanceTimersByTimeAsync(500);
    contact.reset();
    await vi.advanceTimersByTimeAsync(5_000);
    expect(gestures).toEqual([]);
  });
});
