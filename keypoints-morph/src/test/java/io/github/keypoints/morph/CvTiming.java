package io.github.keypoints.morph;

import java.lang.management.ManagementFactory;
import org.opencv.core.Core;
import org.opencv.core.CvType;
import org.opencv.core.Mat;
import org.opencv.core.Size;
import org.opencv.imgproc.Imgproc;

/** Calibration: OpenCV warpAffine of a full 640x480 frame, one thread (not a test). */
public final class CvTiming {
    public static void main(String[] args) {
        Face f = ImmTestFaces.face(ImmTestFaces.neutral().get(0));
        Mat src = f.image().toMat();
        Core.setNumThreads(1);
        Mat m = new Mat(2, 3, CvType.CV_64F);
        m.put(0, 0, 0.98, 0.05, 3.3, -0.05, 0.98, 2.1);
        Mat dst = new Mat();
        var mx = ManagementFactory.getThreadMXBean();
        for (int rep = 0; rep < 12; rep++) {
            long c0 = mx.getCurrentThreadCpuTime();
            for (int k = 0; k < 50; k++) {
                Imgproc.warpAffine(
                        src,
                        dst,
                        m,
                        new Size(640, 480),
                        Imgproc.INTER_LINEAR,
                        Core.BORDER_REFLECT_101);
            }
            System.out.printf(
                    "cv warpAffine cpu %.2f ms%n", (mx.getCurrentThreadCpuTime() - c0) / 50e6);
        }
    }
}
