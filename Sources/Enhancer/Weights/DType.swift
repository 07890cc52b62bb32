import Foundation

/// The element types of the safetensors format.
///
/// Floating-point types convert to `Float`; integer and boolean buffers (such as the
/// `num_batches_tracked` counters of old normalisation layers) can be read too;
/// 8-bit float formats are recognised so their byte sizes validate, but not converted.
public enum DType: String, CaseIterable, Sendable {
    case f64 = "F64", f32 = "F32", f16 = "F16", bf16 = "BF16"
    case i64 = "I64", i32 = "I32", i16 = "I16", i8 = "I8"
    case u64 = "U64", u32 = "U32", u16 = "U16", u8 = "U8"
    case bool = "BOOL"
    case f8e4m3 = "F8_E4M3", f8e5m2 = "F8_E5M2"

    /// Bytes per element.
    public var size: Int {
        switch self {
        case .f64, .i64, .u64: return 8
        case .f32, .i32, .u32: return 4
        case .f16, .bf16, .i16, .u16: return 2
        case .i8, .u8, .bool, .f8e4m3, .f8e5m2: return 1
        }
    }

    /// Whether `convert` can turn elements of this type into `Float`.
    public var convertsToFloat: Bool {
        switch self {
        case .f8e4m3, .f8e5m2: return false
        default: return true
        }
    }

    /// Converts `count` little-endian elements at `source` (any alignment) into `destination`.
    func convert(_ source: UnsafeRawPointer, count: Int, into destination: UnsafeMutablePointer<Float>) {
        switch self {
        case .f32:
            memcpy(destination, source, count * 4)
        case .f16:
            for i in 0..<count {
                let bits = UInt16(littleEndian: source.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))
                destination[i] = Float(halfBits: bits)
            }
        case .bf16:
            // bfloat16 is the top half of a float32.
            for i in 0..<count {
                let bits = UInt16(littleEndian: source.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self))
                destination[i] = Float(bitPattern: UInt32(bits) << 16)
            }
        case .f64:
            for i in 0..<count {
                let bits = UInt64(littleEndian: source.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self))
                destination[i] = Float(Double(bitPattern: bits))
            }
        case .i64: load(source, count, destination) { (v: Int64) in Float(Int64(littleEndian: v)) }
        case .i32: load(source, count, destination) { (v: Int32) in Float(Int32(littleEndian: v)) }
        case .i16: load(source, count, destination) { (v: Int16) in Float(Int16(littleEndian: v)) }
        case .i8: load(source, count, destination) { (v: Int8) in Float(v) }
        case .u64: load(source, count, destination) { (v: UInt64) in Float(UInt64(littleEndian: v)) }
        case .u32: load(source, count, destination) { (v: UInt32) in Float(UInt32(littleEndian: v)) }
        case .u16: load(source, count, destination) { (v: UInt16) in Float(UInt16(littleEndian: v)) }
        case .u8, .bool: load(source, count, destination) { (v: UInt8) in Float(v) }
        case .f8e4m3, .f8e5m2:
            preconditionFailure("8-bit floats are not converted; check convertsToFloat first")
        }
    }

    private func load<T>(_ source: UnsafeRawPointer, _ count: Int, _ destination: UnsafeMutablePointer<Float>,
                         _ convert: (T) -> Float) {
        let stride = MemoryLayout<T>.size
        for i in 0..<count {
            destination[i] = convert(source.loadUnaligned(fromByteOffset: stride * i, as: T.self))
        }
    }
}

extension Float {
    /// The value of an IEEE 754 binary16 bit pattern (exact: every half is a float).
    ///
    /// Written out rather than through `Float16`, which is missing on some platforms.
    init(halfBits bits: UInt16) {
        let sign = UInt32(bits & 0x8000) << 16
        let exponent = Int(bits >> 10) & 0x1f
        let mantissa = UInt32(bits & 0x3ff)
        if exponent == 0x1f {  // infinity or NaN
            self = Float(bitPattern: sign | 0x7f80_0000 | (mantissa << 13))
        } else if exponent != 0 {  // normal: rebias 15 → 127
            self = Float(bitPattern: sign | UInt32(exponent + 112) << 23 | (mantissa << 13))
        } else {  // zero or subnormal: mantissa × 2^-24
            let magnitude = Float(mantissa) * 0x1p-24
            self = sign == 0 ? magnitude : -magnitude
        }
    }
}
