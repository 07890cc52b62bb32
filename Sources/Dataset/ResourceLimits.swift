#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A limit set to something other than a positive whole number.
public struct ResourceLimitError: Error, Equatable, CustomStringConvertible {
    public let variable: String
    public let value: String

    public init(variable: String, value: String) {
        self.variable = variable
        self.value = value
    }

    public var description: String {
        "\(variable)=\(value) is not a positive whole number. Set it to a count such as "
            + "\(variable == ResourceLimits.pixelsVariable ? ResourceLimits.defaultMaxPixels : ResourceLimits.defaultMaxParameters), or unset it for the default."
    }
}

/// Ceilings on what an input file may make usreview allocate, checked against what the
/// file declares (a PNG's header, a safetensors header) before anything is allocated.
///
/// Changed with environment variables, so one setting reaches every command and the
/// review app alike: `USREVIEW_MAX_PIXELS`, `USREVIEW_MAX_PARAMETERS`.
public struct ResourceLimits: Sendable, Equatable {
    /// 4096 × 4096. Ultrasound frames are under a megapixel, so this leaves room for
    /// stitched panoramas while bounding the cost: libpng decodes at up to 8 bytes a pixel
    /// (128 MB here) and the generator's work buffers grow with the pixel count.
    public static let defaultMaxPixels = 4096 * 4096
    /// 2^28 parameters, 1 GiB as F32: five times the largest pix2pix generator (unet_256,
    /// ngf 64: 54 M parameters), so any real generator or LPIPS file loads.
    public static let defaultMaxParameters = 1 << 28
    public static let pixelsVariable = "USREVIEW_MAX_PIXELS"
    public static let parametersVariable = "USREVIEW_MAX_PARAMETERS"

    /// Most pixels (width × height) an image may declare.
    public var maxPixels: Int
    /// Most tensor elements a weights file may declare in all.
    public var maxParameters: Int

    public init(maxPixels: Int = defaultMaxPixels, maxParameters: Int = defaultMaxParameters) {
        self.maxPixels = maxPixels
        self.maxParameters = maxParameters
    }

    /// The limits a lookup of environment variables gives; unset or empty means the default.
    public init(environment: (String) -> String?) throws(ResourceLimitError) {
        func value(_ variable: String, default fallback: Int) throws(ResourceLimitError) -> Int {
            guard let text = environment(variable), !text.isEmpty else { return fallback }
            guard text.utf8.allSatisfy({ (UInt8(ascii: "0")...UInt8(ascii: "9")).contains($0) }),
                  let number = Int(text), number > 0 else {
                throw ResourceLimitError(variable: variable, value: text)
            }
            return number
        }
        maxPixels = try value(Self.pixelsVariable, default: Self.defaultMaxPixels)
        maxParameters = try value(Self.parametersVariable, default: Self.defaultMaxParameters)
    }

    /// This process's limits, read from its environment on each call (two getenv calls).
    public static func current() throws(ResourceLimitError) -> ResourceLimits {
        try ResourceLimits { name in getenv(name).map { String(cString: $0) } }
    }

}
