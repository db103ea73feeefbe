package io.github.keypoints.morph;

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
final class GifFrameWriter extends MovieFileWriter {

    private final int delayCentiseconds;
    private ImageWriter writer;
    private ImageOutputStream stream;

    GifFrameWriter(Path target, double fps) throws IOException {
        super(target);
        this.delayCentiseconds = Math.max(1, (int) Math.round(100 / fps));
        try {
            Iterator<ImageWriter> it = ImageIO.getImageWritersByFormatName("gif");
            if (!it.hasNext()) {
                throw new IOException("This Java runtime has no GIF image writer");
            }
            writer = it.next();
            stream = ImageIO.createImageOutputStream(temp().toFile());
            writer.setOutput(stream);
            writer.prepareWriteSequence(null);
        } catch (IOException | RuntimeException e) {
            abort();
            throw e;
        }
    }

    @Override
    void start(ImageBuffer first) {
        // The GIF sequence was opened with the file; frames of any size may start it.
    }

    @Override
    void encode(ImageBuffer frame) throws IOException {
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
    void finish() throws IOException {
        writer.endWriteSequence();
        stream.close();
        writer.dispose();
    }

    @Override
    void discard() {
        if (stream != null) {
            try {
                stream.close();
            } catch (IOException ignored) {
                // already failing; the temporary file is deleted next
            }
        }
        if (writer != null) {
            writer.dispose();
        }
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
