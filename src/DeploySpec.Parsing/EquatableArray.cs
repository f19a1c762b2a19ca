using System;
using System.Collections;
using System.Collections.Generic;
using System.Collections.Immutable;

namespace DeploySpec.Parsing
{
    /// <summary>
    /// An immutable array with value equality, for incremental-generator pipeline outputs. A class, not a struct: the
    /// pipeline's generic nodes (Roslyn's NodeStateTable&lt;T&gt;, the tuples of Combine) then share one
    /// reference-type instantiation, where each value type would make the JIT compile them again in every build
    /// (docs/performance.md).
    /// </summary>
    public sealed class EquatableArray<T> : IEquatable<EquatableArray<T>>, IReadOnlyList<T>
        where T : IEquatable<T>
    {
        private readonly T[] _items;

        public EquatableArray(T[] items) => _items = items ?? Array.Empty<T>();

        public EquatableArray(IEnumerable<T> items) => _items = new List<T>(items).ToArray();

        public static EquatableArray<T> Empty { get; } = new(Array.Empty<T>());

        public int Count => _items.Length;

        public T this[int index] => _items[index];

        public bool Equals(EquatableArray<T>? other)
        {
            if (ReferenceEquals(this, other))
            {
                return true;
            }

            if (other is null || _items.Length != other._items.Length)
            {
                return false;
            }

            for (int i = 0; i < _items.Length; i++)
            {
                if (!EqualityComparer<T>.Default.Equals(_items[i], other._items[i]))
                {
                    return false;
                }
            }

            return true;
        }

        public override bool Equals(object? obj) => obj is EquatableArray<T> other && Equals(other);

        public override int GetHashCode()
        {
            unchecked
            {
                int hash = 17;
                foreach (var item in _items)
                {
                    hash = hash * 31 + (item is null ? 0 : EqualityComparer<T>.Default.GetHashCode(item));
                }

                return hash;
            }
        }

        public IEnumerator<T> GetEnumerator() => ((IEnumerable<T>)_items).GetEnumerator();

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

        public static bool operator ==(EquatableArray<T>? left, EquatableArray<T>? right) => left is null ? right is null : left.Equals(right);

        public static bool operator !=(EquatableArray<T>? left, EquatableArray<T>? right) => !(left == right);
    }

    public static class EquatableArray
    {
        public static EquatableArray<T> ToEquatableArray<T>(this IEnumerable<T> items) where T : IEquatable<T> => new(items);

        public static EquatableArray<T> ToEquatableArray<T>(this ImmutableArray<T> items) where T : IEquatable<T> =>
            items.IsDefaultOrEmpty ? EquatableArray<T>.Empty : new((IEnumerable<T>)items);
    }
}
