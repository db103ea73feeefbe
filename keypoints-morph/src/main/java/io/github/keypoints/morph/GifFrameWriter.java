package io.github.keypoints.morph;

import io.github.keypoints.data.io.AtomicOutput;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;

/** Writes an endlessly looping animated GIF with Java's own ImageIO GIF writer. */
final class GifFrameWriter implements FrameWriter {

    private final AtomicOutput out;
    private final int delayCentiseconds;
    private ImageWriter writer;
    private ImageOutputStream stream;
    private int width = -1;
    private int height = -1;
    private boolean done;

    GifFrameWriter(Path target, double fps) throws IOException {
        this.out = AtomicOutput.file(target);
        this.delayCentiseconds = Math.max(1, (int) Math.round(100 / fps));
        Iterator<ImageWriter> it = ImageIO.getImageWritersByFormatName("gif");
        if (!it.hasNext()) {
            out.close();
            throw new IOException("This Java runtime has no GIF image writer");
        }
        writer = it.next();
        stream = ImageIO.createImageOutputStream(out.temp().toFile());
        writer.setOutput(stream);
        writer.prepareWriteSequence(null);
    }

    @Override
    public void write(ImageBuffer frame) throws IOException {
        if (width < 0) {
            width = frame.width();
            height = frame.height();
        } else if (frame.width() != width || frame.height() != height) {
            throw new IllegalArgumentException(
                    "Frame is "
                            + frame.width()
                            + "x"
                            + frame.height()
                            + ", the movie is "
                            + width
                            + "x"
                            + height);
        }
        var image = frame.toBufferedImage();
        IIOMetadata meta =
                writer.getDefaultImageMetadata(
                        ImageTypeSpecifier.createFromRenderedImage(image), null);
        String format = meta.getNativeMetadataFormatName();
        IIOMetadataNode root = (IIOMetadataNode) meta.getAsTree(format);
        IIOMetadataNode gce = child(root, "GraphicControlExtension");
        gce.setAttribute("disposalMethod", "none");
        gce.setAttribute("userInputFlag", "FALSE");
        gce.setAttribute("transparentColorFlag", "FALSE");
        gce.setAttribute("delayTime", Integer.toString(delayCentiseconds));
        gce.setAttribute("transparentColorIndex", "0");
        IIOMetadataNode apps = child(root, "ApplicationExtensions");
        IIOMetadataNode app = new IIOMetadataNode("ApplicationExtension");
        app.setAttribute("applicationID", "NETSCAPE");
        app.setAttribute("authenticationCode", "2.0");
        app.setUserObject(new byte[] {1, 0, 0}); // loop forever
        apps.appendChild(app);
        meta.setFromTree(format, root);
        writer.writeToSequence(new IIOImage(image, null, meta), null);
    }

    @Override
    public void close() throws IOException {
        if (done) {
            return;
        }
        done = true;
        try {
            if (width < 0) {
                throw new IOException("No frames were written");
            }
            writer.endWriteSequence();
            stream.close();
            writer.dispose();
            out.commit();
        } catch (IOException | RuntimeException e) {
            closeQuietly();
            out.close();
            throw e;
        }
    }

    @Override
    public void abort() {
        if (!done) {
            done = true;
            closeQuietly();
            out.close();
        }
    }

    private void closeQuietly() {
        try {
            stream.close();
        } catch (IOException ignored) {
            // already failing; the temporary file is deleted next
        }
        writer.dispose();
    }

    private static IIOMetadataNode child(IIOMetadataNode root, String name) {
        for (int i = 0; i < root.getLength(); i++) {
            if (root.item(i).getNodeName().equalsIgnoreCase(name)) {
                return (IIOMetadataNode) root.item(i);
            }
        }
        IIOMetadataNode node = new IIOMetadataNode(name);
        root.appendChild(node);
        return node;
    }
}
