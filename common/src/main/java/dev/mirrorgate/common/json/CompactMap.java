package dev.mirrorgate.common.json;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Arrays;
import java.util.ConcurrentModificationException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Set;

/**
 * An insertion-ordered map that keeps up to {@value #LINEAR_LIMIT} entries in one array (keys and
 * values side by side, found by a linear scan) and moves to a {@link LinkedHashMap} beyond that.
 * Kubernetes objects are trees of small maps (labels, metadata, a container, a port): as a {@link
 * LinkedHashMap} each costs ~200 bytes for two entries (the map, a 16-slot table, an entry object
 * per key), here ~60. Equality, hash code and iteration order are those of any {@link Map} with the
 * same entries in the same order, so trees built on it compare equal to trees built on {@link
 * LinkedHashMap}. Not thread-safe, like {@link LinkedHashMap}.
 */
final class CompactMap<K, V> extends AbstractMap<K, V> {
  /** Beyond this many entries a scan costs more than a hash; a hash table takes over. */
  static final int LINEAR_LIMIT = 16;

  private static final Object[] EMPTY = {};

  /** key, value, key, value, ...; unused when {@link #large} is set. */
  private Object[] slots = EMPTY;

  private int size;
  private int modifications;
  private LinkedHashMap<K, V> large;

  @Override
  public int size() {
    return large != null ? large.size() : size;
  }

  @Override
  public boolean containsKey(Object key) {
    return large != null ? large.containsKey(key) : indexOf(key) >= 0;
  }

  @Override
  @SuppressWarnings("unchecked")
  public V get(Object key) {
    if (large != null) {
      return large.get(key);
    }
    int at = indexOf(key);
    return at < 0 ? null : (V) slots[at + 1];
  }

  @Override
  @SuppressWarnings("unchecked")
  public V put(K key, V value) {
    if (large != null) {
      return large.put(key, value);
    }
    int at = indexOf(key);
    if (at >= 0) {
      V before = (V) slots[at + 1];
      slots[at + 1] = value;
      return before;
    }
    if (size == LINEAR_LIMIT) {
      large = new LinkedHashMap<>(LINEAR_LIMIT * 4);
      for (int i = 0; i < size * 2; i += 2) {
        large.put((K) slots[i], (V) slots[i + 1]);
      }
      slots = EMPTY;
      size = 0;
      modifications++;
      return large.put(key, value);
    }
    if (size * 2 == slots.length) {
      slots = Arrays.copyOf(slots, Math.max(4, slots.length * 2));
    }
    slots[size * 2] = key;
    slots[size * 2 + 1] = value;
    size++;
    modifications++;
    return null;
  }

  @Override
  @SuppressWarnings("unchecked")
  public V remove(Object key) {
    if (large != null) {
      return large.remove(key);
    }
    int at = indexOf(key);
    if (at < 0) {
      return null;
    }
    V before = (V) slots[at + 1];
    removeAt(at);
    return before;
  }

  @Override
  public void clear() {
    if (large != null) {
      large.clear();
      return;
    }
    Arrays.fill(slots, 0, size * 2, null);
    size = 0;
    modifications++;
  }

  @Override
  public Set<Entry<K, V>> entrySet() {
    return large != null ? large.entrySet() : new Entries();
  }

  private int indexOf(Object key) {
    Object[] s = slots;
    for (int i = 0; i < size * 2; i += 2) {
      if (s[i] == key) {
        return i;
      }
    }
    int hash = Objects.hashCode(key);
    for (int i = 0; i < size * 2; i += 2) {
      Object k = s[i];
      if (k != null && k.hashCode() == hash && k.equals(key) || k == null && key == null) {
        return i;
      }
    }
    return -1;
  }

  private void removeAt(int at) {
    int end = size * 2;
    System.arraycopy(slots, at + 2, slots, at, end - at - 2);
    slots[end - 2] = null;
    slots[end - 1] = null;
    size--;
    modifications++;
  }

  /** The entries of the array form; a view whose iterator removes and whose entries write back. */
  private final class Entries extends AbstractSet<Entry<K, V>> {
    @Override
    public int size() {
      return CompactMap.this.size();
    }

    @Override
    public Iterator<Entry<K, V>> iterator() {
      if (large != null) {
        return large.entrySet().iterator();
      }
      return new Iterator<>() {
        private int next;
        private int last = -1;
        private int expected = modifications;

        @Override
        public boolean hasNext() {
          return next < size * 2;
        }

        @Override
        public Entry<K, V> next() {
          if (expected != modifications || large != null) {
            throw new ConcurrentModificationException();
          }
          if (next >= size * 2) {
            throw new NoSuchElementException();
          }
          last = next;
          next += 2;
          return new Slot(last);
        }

        @Override
        public void remove() {
          if (last < 0) {
            throw new IllegalStateException();
          }
          if (expected != modifications) {
            throw new ConcurrentModificationException();
          }
          removeAt(last);
          next = last;
          last = -1;
          expected = modifications;
        }
      };
    }
  }

  /** One entry of the array form, reading and writing its slot. */
  private final class Slot implements Entry<K, V> {
    private final int at;
    private final int expected = modifications;

    Slot(int at) {
      this.at = at;
    }

    private void check() {
      if (expected != modifications || large != null) {
        throw new ConcurrentModificationException();
      }
    }

    @Override
    @SuppressWarnings("unchecked")
    public K getKey() {
      check();
      return (K) slots[at];
    }

    @Override
    @SuppressWarnings("unchecked")
    public V getValue() {
      check();
      return (V) slots[at + 1];
    }

    @Override
    @SuppressWarnings("unchecked")
    public V setValue(V value) {
      check();
      V before = (V) slots[at + 1];
      slots[at + 1] = value;
      return before;
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof Entry<?, ?> e
          && Objects.equals(getKey(), e.getKey())
          && Objects.equals(getValue(), e.getValue());
    }

    @Override
    public int hashCode() {
      return Objects.hashCode(getKey()) ^ Objects.hashCode(getValue());
    }

    @Override
    public String toString() {
      return getKey() + "=" + getValue();
    }
  }
}
