import CZlib
import Foundation

/// A minimal PNG reader for the tests: checks the signature and every chunk's CRC, reads
/// IHDR, inflates the IDAT stream with zlib and undoes the five row filters. Only what the
/// encoder writes (8-bit RGB, no interlace) is accepted; anything else is an error.
struct PNGDecoder {
    struct Image {
        let width: Int
        let height: Int
        /// (height, width, 3)
        let pixels: [UInt8]

        func pixel(_ x: Int, _ y: Int) -> (r: UInt8, g: UInt8, b: UInt8) {
            let i = (y * width + x) * 3
            return (pixels[i], pixels[i + 1], pixels[i + 2])
        }
    }

    struct DecodeError: Error, CustomStringConvertible {
        let description: String
    }

    static func decode(_ data: Data) throws -> Image {
        let bytes = [UInt8](data)
        guard bytes.count > 8, Array(bytes[0..<8]) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A] else {
            throw DecodeError(description: "bad signature")
        }
        var offset = 8
        var width = 0, height = 0
        var idat = [UInt8]()
        var sawEnd = false
        func u32(_ at: Int) -> Int {
            Int(bytes[at]) << 24 | Int(bytes[at + 1]) << 16 | Int(bytes[at + 2]) << 8 | Int(bytes[at + 3])
        }
        while offset + 12 <= bytes.count {
            let length = u32(offset)
            let type = String(decoding: bytes[(offset + 4)..<(offset + 8)], as: UTF8.self)
            guard offset + 12 + length <= bytes.count else { throw DecodeError(description: "truncated \(type)") }
            let typed = Array(bytes[(offset + 4)..<(offset + 8 + length)])
            let crc = typed.withUnsafeBufferPointer { crc32(0, $0.baseAddress, uInt($0.count)) }
            guard Int(crc) == u32(offset + 8 + length) else { throw DecodeError(description: "CRC mismatch in \(type)") }
            let body = Array(typed[4...])
            switch type {
            case "IHDR":
                width = Int(body[0]) << 24 | Int(body[1]) << 16 | Int(body[2]) << 8 | Int(body[3])
                height = Int(body[4]) << 24 | Int(body[5]) << 16 | Int(body[6]) << 8 | Int(body[7])
                guard Array(body[8...]) == [8, 2, 0, 0, 0] else { throw DecodeError(description: "unsupported IHDR \(body)") }
            case "IDAT": idat += body
            case "IEND": sawEnd = true
            default: break
            }
            offset += 12 + length
        }
        guard sawEnd, offset == bytes.count else { throw DecodeError(description: "missing IEND or trailing bytes") }
        let rowBytes = width * 3
        var raw = [UInt8](repeating: 0, count: height * (rowBytes + 1))
        var rawLength = uLongf(raw.count)
        let status = uncompress(&raw, &rawLength, idat, uLong(idat.count))
        guard status == Z_OK, Int(rawLength) == raw.count else {
            throw DecodeError(description: "inflate status \(status), \(rawLength) of \(raw.count) bytes")
        }
        var pixels = [UInt8](repeating: 0, count: height * rowBytes)
        for y in 0..<height {
            let filter = raw[y * (rowBytes + 1)]
            for i in 0..<rowBytes {
                let x = raw[y * (rowBytes + 1) + 1 + i]
                let a = i >= 3 ? pixels[y * rowBytes + i - 3] : 0
                let b = y > 0 ? pixels[(y - 1) * rowBytes + i] : 0
                let c = i >= 3 && y > 0 ? pixels[(y - 1) * rowBytes + i - 3] : 0
                let predictor: UInt8
                switch filter {
                case 0: predictor = 0
                case 1: predictor = a
                case 2: predictor = b
                case 3: predictor = UInt8((Int(a) + Int(b)) / 2)
                case 4:
                    let p = Int(a) + Int(b) - Int(c)
                    let pa = abs(p - Int(a)), pb = abs(p - Int(b)), pc = abs(p - Int(c))
                    predictor = pa <= pb && pa <= pc ? a : (pb <= pc ? b : c)
                default: throw DecodeError(description: "bad filter \(filter) in row \(y)")
                }
                pixels[y * rowBytes + i] = x &+ predictor
            }
        }
        return Image(width: width, height: height, pixels: pixels)
    }
}
