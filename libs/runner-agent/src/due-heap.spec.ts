import { DueHeap } from './due-heap';

describe('the due heap', () => {
  it('gives entries back earliest first, whatever order they came in', () => {
    const heap = new DueHeap<number>();
    const ats = [50, 10, 40, 10, 30, 20, 60, 0, 25, 35];
    ats.forEach((at, item) => heap.push({ at, item }));
    expect(heap.size).toBe(ats.length);
    expect(heap.peek()?.at).toBe(0);
    const popped: number[] = [];
    for (let entry = heap.pop(); entry !== undefined; entry = heap.pop()) popped.push(entry.at);
    expect(popped).toEqual([...ats].sort((a, b) => a - b));
    expect(heap.size).toBe(0);
  });

  it('drains every entry and is empty after', () => {
    const heap = new DueHeap<string>();
    heap.push({ at: 2, item: 'b' });
    heap.push({ at: 1, item: 'a' });
    expect(heap.drain().map((entry) => entry.item).sort()).toEqual(['a', 'b']);
    expect(heap.size).toBe(0);
    expect(heap.pop()).toBeUndefined();
  });
});
