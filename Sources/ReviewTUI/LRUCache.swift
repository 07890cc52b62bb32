/// A bounded map that forgets the least recently used entry first. Not thread-safe:
/// the run loop owns it.
public struct LRUCache<Key: Hashable, Value> {
    public let capacity: Int
    private var entries: [Key: Value] = [:]
    /// Least recently used first.
    private var order: [Key] = []

    public init(capacity: Int) {
        precondition(capacity > 0, "an LRU cache needs room for one entry")
        self.capacity = capacity
    }

    public var count: Int { entries.count }
    public var keys: [Key] { order }

    /// The value for `key`, which becomes the most recently used.
    public mutating func get(_ key: Key) -> Value? {
        guard let value = entries[key] else { return nil }
        touch(key)
        return value
    }

    /// The value without changing the order.
    public func peek(_ key: Key) -> Value? { entries[key] }

    /// Stores `value`; returns the keys evicted to stay within `capacity`.
    @discardableResult
    public mutating func set(_ key: Key, _ value: Value) -> [Key] {
        entries[key] = value
        touch(key)
        var evicted = [Key]()
        while order.count > capacity {
            let oldest = order.removeFirst()
            entries[oldest] = nil
            evicted.append(oldest)
        }
        return evicted
    }

    private mutating func touch(_ key: Key) {
        if let position = order.firstIndex(of: key) { order.remove(at: position) }
        order.append(key)
    }
}
