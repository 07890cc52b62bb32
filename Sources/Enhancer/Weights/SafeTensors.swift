#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Dataset
import Foundation

/// The safetensors format: an 8-byte little-endian header length, a JSON header that maps
/// tensor names to `{dtype, shape, data_offsets}` (plus an optional `__metadata__` object
/// of strings), then the tensors' bytes, contiguous and in little-endian order.
public enum SafeTensors {
    /// Largest header the reference implementation accepts; anything bigger is a broken file.
    static let maximumHeaderLength = 100_000_000

    /// Validates everything about `url` before any tensor is used — the header length
    /// against the file size, the JSON, every dtype, shape and byte size, that the data
    /// offsets tile the data section without gaps or overlaps, and that the tensors hold
    /// no more than `limits.maxParameters` elements in all — and only then maps it.
    ///
    /// The header is read with pread, so a file declaring gigabytes of tensors (a sparse
    /// file costs nothing to make) is refused before anything proportional to them is
    /// allocated or mapped. Only regular files are opened (`RegularFile`).
    public static func read(_ url: URL, limits: ResourceLimits? = nil) throws -> SafeTensorsFile {
        let path = url.path
        let maxElements = try (limits ?? ResourceLimits.current()).maxParameters
        let descriptor: Int32, size: Int
        switch Result(catching: { () throws(RegularFileError) in try RegularFile.openForReading(path) }) {
        case let .success(opened): (descriptor, size) = opened
        case let .failure(.notRegular(_, kind)): throw EnhancerError.unreadable(path: path, reason: "it is \(kind), not a regular file")
        case let .failure(.cannotOpen(_, reason)): throw EnhancerError.unreadable(path: path, reason: reason)
        }
        defer { close(descriptor) }
        let header = try SafeTensorsFile.Header(descriptor: descriptor, fileSize: size, path: path)
        // Each tensor's bytes lie in the file (tiling), so this sum cannot overflow.
        let elements = header.entries.values.reduce(0) { $0 + $1.elementCount }
        guard elements <= maxElements else {
            throw EnhancerError.tooManyParameters(path: path, count: elements, limit: maxElements)
        }
        return SafeTensorsFile(header: header, mapping: try MappedFile(descriptor: descriptor, size: size, path: path), url: url)
    }

    /// Writes F32 tensors (in the order given) and string metadata to `url`, atomically.
    public static func write(_ tensors: [(name: String, shape: [Int], values: [Float])],
                             metadata: [String: String], to url: URL) throws {
        var entries: [EncodedTensor] = []
        entries.reserveCapacity(tensors.count)
        for tensor in tensors {
            let count = tensor.shape.reduce(1, *)
            guard tensor.shape.allSatisfy({ $0 >= 0 }), count == tensor.values.count else {
                throw EnhancerError.badTensor(
                    path: url.path, tensor: tensor.name,
                    problem: "shape \(tensor.shape) does not hold the \(tensor.values.count) values given")
            }
            let bytes = tensor.values.withUnsafeBytes { Data($0) }  // little-endian on every supported CPU
            entries.append(EncodedTensor(name: tensor.name, dtype: .f32, shape: tensor.shape, bytes: bytes))
        }
        let data = try encode(entries, metadata: metadata, path: url.path)
        do {
            try AtomicFile.write(data, to: url)
        } catch {
            throw EnhancerError.writeFailed(path: url.path, reason: "\(error)")
        }
    }

    /// One tensor ready for `encode`: raw little-endian bytes of any dtype.
    struct EncodedTensor {
        var name: String
        var dtype: DType
        var shape: [Int]
        var bytes: Data
    }

    /// The bytes of a safetensors file holding `tensors`; the header is padded with spaces
    /// to a multiple of 8 bytes, as the reference writer does, so the data stays aligned.
    static func encode(_ tensors: [EncodedTensor], metadata: [String: String], path: String) throws -> Data {
        var seen = Set<String>()
        var fields: [String] = []
        if !metadata.isEmpty {
            let pairs = metadata.keys.sorted().map { "\(jsonString($0)):\(jsonString(metadata[$0]!))" }
            fields.append("\"__metadata__\":{\(pairs.joined(separator: ","))}")
        }
        var offset = 0
        for tensor in tensors {
            guard tensor.name != "__metadata__", seen.insert(tensor.name).inserted else {
                throw EnhancerError.badTensor(path: path, tensor: tensor.name, problem: "the name is used twice or reserved")
            }
            let end = offset + tensor.bytes.count
            let shape = tensor.shape.map(String.init).joined(separator: ",")
            fields.append("\(jsonString(tensor.name)):{\"dtype\":\"\(tensor.dtype.rawValue)\",\"shape\":[\(shape)],"
                + "\"data_offsets\":[\(offset),\(end)]}")
            offset = end
        }
        var header = Array("{\(fields.joined(separator: ","))}".utf8)
        while header.count % 8 != 0 { header.append(UInt8(ascii: " ")) }
        var data = Data(capacity: 8 + header.count + offset)
        withUnsafeBytes(of: UInt64(header.count).littleEndian) { data.append(contentsOf: $0) }
        data.append(contentsOf: header)
        for tensor in tensors { data.append(tensor.bytes) }
        return data
    }

    /// `text` as a JSON string literal.
    static func jsonString(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20: out += String(format: "\\u%04x", scalar.value)
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}

/// A validated, memory-mapped safetensors file.
///
/// Tensors are converted to `Float` on request; `copyFloats(_:into:evicting:)` lets a
/// loader convert tensor by tensor and give the mapped pages back as it goes.
public final class SafeTensorsFile: @unchecked Sendable {
    /// One tensor's header entry. `byteRange` is relative to the start of the data section.
    public struct Entry: Sendable, Equatable {
        public let name: String
        public let dtype: DType
        public let shape: [Int]
        public let byteRange: Range<Int>
        public var elementCount: Int { shape.reduce(1, *) }
    }

    public let url: URL
    /// The header's `__metadata__` object (empty when there is none).
    public let metadata: [String: String]
    /// Entries by name.
    public let entries: [String: Entry]
    /// Tensor names in the order their data lies in the file.
    public let names: [String]

    private let mapping: MappedFile
    private let dataStart: Int

    /// What the header says, validated against the file's size.
    struct Header {
        var metadata: [String: String]
        var entries: [String: Entry]
        /// Tensor names in file order.
        var names: [String]
        /// Offset of the data section in the file.
        var dataStart: Int

        init(descriptor: Int32, fileSize: Int, path: String) throws {
            guard fileSize >= 8 else {
                throw EnhancerError.malformedFile(
                    path: path, problem: "the file is \(fileSize) bytes, shorter than the 8-byte header length")
            }
            var lengthField: UInt64 = 0
            try withUnsafeMutableBytes(of: &lengthField) { try Self.readFully(descriptor, into: $0, at: 0, path: path) }
            let headerLength = UInt64(littleEndian: lengthField)
            guard headerLength <= UInt64(fileSize - 8) else {
                throw EnhancerError.malformedFile(
                    path: path, problem: "the header length says \(headerLength) bytes but the file holds only \(fileSize - 8) after it")
            }
            guard headerLength <= UInt64(SafeTensors.maximumHeaderLength), headerLength >= 2 else {
                throw EnhancerError.malformedFile(path: path, problem: "a header of \(headerLength) bytes is not plausible")
            }
            dataStart = 8 + Int(headerLength)
            let dataLength = fileSize - dataStart
            var headerBytes = Data(count: Int(headerLength))
            try headerBytes.withUnsafeMutableBytes { try Self.readFully(descriptor, into: $0, at: 8, path: path) }
            guard let json = try? JSONSerialization.jsonObject(with: headerBytes), let header = json as? [String: Any] else {
                throw EnhancerError.malformedFile(path: path, problem: "the header is not a JSON object")
            }
            metadata = [:]
            entries = [:]
            for (name, value) in header {
                if name == "__metadata__" {
                    guard let strings = value as? [String: String] else {
                        throw EnhancerError.malformedFile(path: path, problem: "__metadata__ is not an object of strings")
                    }
                    metadata = strings
                    continue
                }
                entries[name] = try SafeTensorsFile.entry(name: name, value: value, dataLength: dataLength, path: path)
            }
            names = try SafeTensorsFile.checkTiling(entries, dataLength: dataLength, path: path)
        }

        private static func readFully(_ descriptor: Int32, into buffer: UnsafeMutableRawBufferPointer, at offset: Int,
                                      path: String) throws {
            var done = 0
            while done < buffer.count {
                let got = pread(descriptor, buffer.baseAddress! + done, buffer.count - done, off_t(offset + done))
                if got < 0, errno == EINTR { continue }
                guard got > 0 else {
                    let reason = got < 0 ? String(cString: strerror(errno)) : "the file ended early"
                    throw EnhancerError.unreadable(path: path, reason: reason)
                }
                done += got
            }
        }
    }

    init(header: Header, mapping: MappedFile, url: URL) {
        self.mapping = mapping
        self.url = url
        self.metadata = header.metadata
        self.entries = header.entries
        self.names = header.names
        self.dataStart = header.dataStart
    }

    /// Parses and checks one header entry on its own.
    private static func entry(name: String, value: Any, dataLength: Int, path: String) throws -> Entry {
        func fail(_ problem: String) -> EnhancerError { .badTensor(path: path, tensor: name, problem: problem) }
        guard let fields = value as? [String: Any] else { throw fail("the header entry is not an object") }
        guard let dtypeName = fields["dtype"] as? String else { throw fail("the header entry has no dtype") }
        guard let dtype = DType(rawValue: dtypeName) else {
            let known = DType.allCases.map(\.rawValue).joined(separator: ", ")
            throw fail("unknown dtype '\(dtypeName)' (known: \(known))")
        }
        guard let shape = integers(fields["shape"]), shape.allSatisfy({ $0 >= 0 }) else {
            throw fail("the shape is not a list of non-negative integers")
        }
        guard let offsets = integers(fields["data_offsets"]), offsets.count == 2 else {
            throw fail("data_offsets is not a pair of integers")
        }
        let (begin, end) = (offsets[0], offsets[1])
        guard begin >= 0, begin <= end, end <= dataLength else {
            throw fail("data offsets [\(begin), \(end)] lie outside the \(dataLength)-byte data section")
        }
        let (count, overflow) = shape.reduce((1, false)) { partial, dimension in
            let product = partial.0.multipliedReportingOverflow(by: dimension)
            return (product.partialValue, partial.1 || product.overflow)
        }
        guard !overflow, count.multipliedReportingOverflow(by: dtype.size).overflow == false,
              count * dtype.size == end - begin else {
            throw fail("holds \(end - begin) bytes but shape \(shape) of \(dtypeName) needs \(overflow ? "too many" : String(count * dtype.size))")
        }
        return Entry(name: name, dtype: dtype, shape: shape, byteRange: begin..<end)
    }

    /// Checks that the tensors' byte ranges cover the data section exactly, in some order,
    /// without gaps or overlaps; returns the names in file order.
    private static func checkTiling(_ entries: [String: Entry], dataLength: Int, path: String) throws -> [String] {
        let ordered = entries.values.sorted {
            ($0.byteRange.lowerBound, $0.byteRange.upperBound, $0.name) < ($1.byteRange.lowerBound, $1.byteRange.upperBound, $1.name)
        }
        var position = 0
        var previous: Entry?
        for entry in ordered {
            let range = entry.byteRange
            if range.lowerBound < position, let previous {
                throw EnhancerError.badTensor(
                    path: path, tensor: entry.name,
                    problem: "data offsets [\(range.lowerBound), \(range.upperBound)] overlap those of '\(previous.name)' "
                        + "[\(previous.byteRange.lowerBound), \(previous.byteRange.upperBound)]")
            }
            if range.lowerBound > position {
                throw EnhancerError.badTensor(
                    path: path, tensor: entry.name,
                    problem: "data offsets [\(range.lowerBound), \(range.upperBound)] leave \(range.lowerBound - position) "
                        + "unused bytes before the tensor")
            }
            position = range.upperBound
            previous = entry
        }
        if position != dataLength {
            throw EnhancerError.malformedFile(
                path: path, problem: "\(dataLength - position) bytes at the end of the data section belong to no tensor")
        }
        return ordered.map(\.name)
    }

    private static func integers(_ value: Any?) -> [Int]? {
        guard let list = value as? [Any] else { return nil }
        var result: [Int] = []
        for item in list {
            guard let number = item as? NSNumber else { return nil }
            let double = number.doubleValue
            guard double == double.rounded(), abs(double) < 9.0e15 else { return nil }
            result.append(number.intValue)
        }
        return result
    }

    /// The entry for `name`, or an error naming the file and the tensor.
    public func entry(_ name: String) throws -> Entry {
        guard let entry = entries[name] else { throw EnhancerError.missingTensor(path: url.path, tensor: name) }
        return entry
    }

    /// The tensor's elements converted to `Float`, row-major in its shape.
    public func floats(_ name: String) throws -> [Float] {
        let entry = try entry(name)
        return try [Float](unsafeUninitializedCapacity: entry.elementCount) { buffer, initialized in
            if let base = buffer.baseAddress { try copyFloats(entry, into: base, evicting: false) }
            initialized = entry.elementCount
        }
    }

    /// Converts the tensor into `destination` (room for `elementCount` floats); with
    /// `evicting`, the mapped pages are handed back afterwards.
    func copyFloats(_ entry: Entry, into destination: UnsafeMutablePointer<Float>, evicting: Bool) throws {
        guard entry.dtype.convertsToFloat else {
            throw EnhancerError.badTensor(
                path: url.path, tensor: entry.name, problem: "dtype \(entry.dtype.rawValue) cannot be converted to F32")
        }
        guard entry.elementCount > 0, let base = mapping.bytes.baseAddress else { return }
        entry.dtype.convert(base + dataStart + entry.byteRange.lowerBound, count: entry.elementCount, into: destination)
        if evicting {
            mapping.evict((dataStart + entry.byteRange.lowerBound)..<(dataStart + entry.byteRange.upperBound))
        }
    }

    /// The tensor's raw little-endian bytes, whatever its dtype.
    public func rawBytes(_ name: String) throws -> Data {
        let entry = try entry(name)
        guard entry.byteRange.count > 0, let base = mapping.bytes.baseAddress else { return Data() }
        return Data(bytes: base + dataStart + entry.byteRange.lowerBound, count: entry.byteRange.count)
    }
}
