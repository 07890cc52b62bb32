/// PyTorch's `ReflectionPad2d` on `[C, H, W]` planes → `[C, H + top + bottom, W + left + right]`:
/// the image mirrored about its edge rows and columns, the edges themselves not repeated,
/// so every padding must be smaller than the side it extends.
func reflectionPad(_ x: UnsafePointer<Float>, channels: Int, height: Int, width: Int,
                   top: Int, bottom: Int, left: Int, right: Int,
                   into y: UnsafeMutablePointer<Float>, loop: ParallelLoop) {
    precondition(top < height && bottom < height && left < width && right < width,
                 "reflection padding must be smaller than the image side")
    let outHeight = height + top + bottom
    let outWidth = width + left + right
    loop.forEach(channels * outHeight, itemCost: outWidth) { rows in
        for row in rows {
            let c = row / outHeight
            let oy = row % outHeight
            let source = x + (c * height + mirror(oy - top, height)) * width
            let destination = y + (c * outHeight + oy) * outWidth
            for ox in 0..<left { destination[ox] = source[left - ox] }
            (destination + left).update(from: source, count: width)
            for ox in 0..<right { destination[left + width + ox] = source[width - 2 - ox] }
        }
    }
}
