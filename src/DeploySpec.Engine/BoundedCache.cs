using System;
using System.Collections.Concurrent;

namespace DeploySpec.Engine
{
    /// <summary>
    /// Values computed from value-equatable keys (the engine's spec records), kept across calls: bounded (the oldest
    /// entries leave first) and safe under concurrent use. A computation that throws (cancellation included) is
    /// not kept. Shared by the engine's planning cache and the analyzer's findings cache.
    /// </summary>
    internal sealed class BoundedCache<TKey, TValue>
        where TKey : notnull
    {
        private readonly ConcurrentDictionary<TKey, TValue> _entries = new();
        private readonly ConcurrentQueue<TKey> _order = new();
        private readonly int _capacity;

        public BoundedCache(int capacity) => _capacity = capacity > 0 ? capacity : throw new ArgumentOutOfRangeException(nameof(capacity));

        /// <summary>The value for <paramref name="key"/>: the kept one, or <paramref name="compute"/>'s, then kept.</summary>
        public TValue GetOrAdd(TKey key, Func<TKey, TValue> compute)
        {
            if (_entries.TryGetValue(key, out var cached))
            {
                return cached;
            }

            var value = compute(key);
            if (_entries.TryAdd(key, value))
            {
                _order.Enqueue(key);
                while (_order.Count > _capacity && _order.TryDequeue(out var oldest))
                {
                    _entries.TryRemove(oldest, out _);
                }
            }

            return value;
        }
    }
}
