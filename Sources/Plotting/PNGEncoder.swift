import CZlib
import Foundation

/// Canvas -> PNG (RGB, 8 bits, non-interlaced; ISO/IEC 15948 / W3C PNG spec).
///
/// zlib (Debian zlib1g) provides deflate and CRC-32; each row is filtered with whichever
/// of the five PNG filters gives the smallest sum of absolute bytes (the spec's suggested
/// heuristic), which suits plots' flat areas.
public enum PNGEncoder {
    public static func encode(_ canvas: Canvas) throws -> Data {
        var png = Data([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
        var header = Data()
        header.appendBigEndian(UInt32(canvas.width))
        header.appendBigEndian(UInt32(canvas.height))
        header += Data([8, 2, 0, 0, 0]) // depth 8, colour type 2 (RGB), deflate, adaptive filter, no interlace
        chunk("IHDR", header, into: &png)
        chunk("IDAT", try deflate(filtered(canvas)), into: &png)
        chunk("IEND", Data(), into: &png)
        return png
    }

    static func chunk(_ type: String, _ body: Data, into png: inout Data) {
        png.appendBigEndian(UInt32(body.count))
        var typed = Data(type.utf8)
        typed += body
        png += typed
        let bytes = [UInt8](typed)
        let crc = crc32(0, bytes, uInt(bytes.count))
        png.appendBigEndian(UInt32(crc))
    }

    /// Rows prefixed with their filter type byte.
    /// - returns: height * (1 + width * 3) bytes
    static func filtered(_ canvas: Canvas) -> [UInt8] {
        let rowBytes = canvas.width * 3
        let pixels = canvas.pixels
        var out = [UInt8]()
        out.reserveCapacity(canvas.height * (rowBytes + 1))
        var candidate = [UInt8](repeating: 0, count: rowBytes)
        var best = [UInt8](repeating: 0, count: rowBytes)
        for y in 0..<canvas.height {
            let row = y * rowBytes, previous = (y - 1) * rowBytes
            var bestScore = Int.max, bestType: UInt8 = 0
            for type in UInt8(0)...4 {
                var score = 0
                for i in 0..<rowBytes {
                    let x = pixels[row + i]
                    let a = i >= 3 ? pixels[row + i - 3] : 0
                    let b = y > 0 ? pixels[previous + i] : 0
                    let c = i >= 3 && y > 0 ? pixels[previous + i - 3] : 0
                    let predictor: UInt8
                    switch type {
                    case 0: predictor = 0
                    case 1: predictor = a
                    case 2: predictor = b
                    case 3: predictor = UInt8((Int(a) + Int(b)) / 2)
                    default: predictor = paeth(a, b, c)
                    }
                    let v = x &- predictor
                    candidate[i] = v
                    score += v < 128 ? Int(v) : 256 - Int(v)
                }
                if score < bestScore {
                    bestScore = score
                    bestType = type
                    swap(&best, &candidate)
                }
            }
            out.append(bestType)
            out += best
        }
        return out
    }

    static func paeth(_ a: UInt8, _ b: UInt8, _ c: UInt8) -> UInt8 {
        let p = Int(a) + Int(b) - Int(c)
        let pa = abs(p - Int(a)), pb = abs(p - Int(b)), pc = abs(p - Int(c))
        if pa <= pb && pa <= pc { return a }
        return pb <= pc ? b : c
    }

    /// One zlib stream (RFC 1950) at the default level.
    static func deflate(_ bytes: [UInt8]) throws -> Data {
        var length = compressBound(uLong(bytes.count))
        var out = [UInt8](repeating: 0, count: Int(length))
        let status = compress2(&out, &length, bytes, uLong(bytes.count), Z_DEFAULT_COMPRESSION)
        guard status == Z_OK else { throw PlotError.compression(code: status) }
        return Data(out[0..<Int(length)])
    }
}

extension Data {
    mutating func appendBigEndian(_ v: UInt32) {
        append(contentsOf: [UInt8(v >> 24), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)])
    }
}
