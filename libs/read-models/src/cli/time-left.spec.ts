import { timeLeft } from './time-left';

describe('the time a long run has left, as its progress bar shows it', () => {
  it('is unknown before any progress', () => {
    expect(timeLeft(0, 100, 5)).toBe('…');
    expect(timeLeft(10, 100, 0)).toBe('…');
  });

  it('is the work left at the average rate so far, in seconds, minutes or hours', () => {
    expect(timeLeft(50, 100, 10)).toBe('10s');
    expect(timeLeft(1, 100, 3.7)).toBe('6m06s');
    expect(timeLeft(10, 100, 1200)).toBe('3h00m');
    expect(timeLeft(100, 100, 60)).toBe('0s');
  });

  it('never shows 60 seconds or 60 minutes', () => {
    expect(timeLeft(1, 2, 359.6)).toBe('6m00s');
    expect(timeLeft(1, 2, 7199)).toBe('2h00m');
    expect(timeLeft(1, 2, 3599.6)).toBe('1h00m');
  });
});
