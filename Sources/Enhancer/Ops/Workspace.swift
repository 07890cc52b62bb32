/// Work buffers that grow to the largest request and are then reused, layer after layer
/// and run after run, so a run allocates nothing once the first one has.
final class Workspace {
    /// What a buffer is for; one buffer per slot.
    enum Slot: Hashable {
        /// im2col / col2im matrices (used by one layer at a time).
        case columns
        /// Winograd-transformed inputs and their products (one layer at a time).
        case winogradPhases, winogradInput, winogradProducts
        /// The inputs and products of a Winograd transposed convolution's edge rows and columns.
        case winogradEdges
        /// The concatenation buffer of the UNet block at this depth: its input, then its up output.
        case level(Int)
        /// Network-specific activations.
        case activation(Int)
        /// The image as floats before reflection padding.
        case image
        /// The network's input and output.
        case input
        case output
    }

    /// Floats an im2col or GEMM output matrix may take before a layer is split into chunks (32 MB).
    let columnBudget: Int

    private var buffers: [Slot: FloatBuffer] = [:]

    init(columnBudget: Int = 8 << 20) {
        self.columnBudget = columnBudget
    }

    /// A buffer of at least `count` floats for `slot`. Contents are undefined; the pointer
    /// stays valid until the same slot is asked for with a larger count.
    func buffer(_ slot: Slot, count: Int) -> UnsafeMutablePointer<Float> {
        if let existing = buffers[slot], existing.count >= count { return existing.pointer }
        let fresh = FloatBuffer(count: count)
        buffers[slot] = fresh
        return fresh.pointer
    }

    /// Floats held by all buffers.
    var floatCount: Int { buffers.values.reduce(0) { $0 + $1.count } }
}
