#!/bin/bash
# What a GPU machine offers the FFmpeg build Aqueduct uses (bytedeco ffmpeg 8.1.2-1.5.14 linux-x86_64-gpl): that
# build's own ffmpeg CLI and libraries, run from the jar, no Java needed. Lists the hardware paths (hwaccels, NVENC
# encoders, CUVID decoders, CUDA filters), then times a 720p30 ladder (720/480/240, x264 veryfast) on 2 cores, NVDEC
# decoding, NVENC encoding, GPU decode + scale_cuda + x264, and all on the GPU. Figures: bench/RESULTS.md.
#
# usage: bench/gpu-probe.sh prepare   # here: puts the jar and the system libraries its binaries need in .gpu/
#        bash .gpu/gpu-probe.sh       # on the GPU machine (device tool: carry .gpu; .gpu is in .git/info/exclude)
set -u
if [[ "${1:-}" == prepare ]]; then
  repo="$(cd "$(dirname "$0")/.." && pwd)"
  jar="$HOME/.m2/repository/org/bytedeco/ffmpeg/8.1.2-1.5.14/ffmpeg-8.1.2-1.5.14-linux-x86_64-gpl.jar"
  [[ -f "$jar" ]] || mvn -B -q dependency:get -Dartifact=org.bytedeco:ffmpeg:8.1.2-1.5.14:jar:linux-x86_64-gpl -Dtransitive=false
  rm -rf "$repo/.gpu" && mkdir -p "$repo/.gpu/libs" && cp "$jar" "$repo/.gpu/ff.jar" && cp "$0" "$repo/.gpu/gpu-probe.sh"
  grep -qx '/.gpu/' "$repo/.git/info/exclude" || echo '/.gpu/' >> "$repo/.git/info/exclude"
  x="$(mktemp -d)" && (cd "$x" && unzip -q "$repo/.gpu/ff.jar")
  d="$x/org/bytedeco/ffmpeg/linux-x86_64-gpl"
  # the binaries link X11, ALSA, PulseAudio and codec libraries a bare GPU machine lacks; glibc and libstdc++ it has
  for l in $(LD_LIBRARY_PATH="$d" ldd "$d"/ffmpeg "$d"/lib*.so* | awk '/=>/ && $3 !~ /bytedeco/ { print $3 }' | sort -u \
      | grep -v 'libc\.so\|libm\.so\|libmvec\|libgcc_s\|libstdc++'); do
    cp -L "$l" "$repo/.gpu/libs/"
  done
  rm -rf "$x"
  du -sh "$repo/.gpu"
  exit 0
fi
cd "$(dirname "$0")"
python3 -c "import zipfile; zipfile.ZipFile('ff.jar').extractall('x')"
D=$PWD/x/org/bytedeco/ffmpeg/linux-x86_64-gpl
chmod +x $D/ffmpeg $D/ffprobe
export LD_LIBRARY_PATH=$D:$PWD/libs:/usr/local/nvidia/lib64:/usr/local/nvidia/lib:${LD_LIBRARY_PATH:-}
F="$D/ffmpeg -hide_banner -nostdin"
echo "== machine"; nproc; nvidia-smi --query-gpu=name,driver_version --format=csv
echo "== ffmpeg"; $F -version | head -2
echo "== hwaccels"; $F -hwaccels
echo "== encoders"; $F -encoders 2>/dev/null | grep -i "nvenc\|x264\|openh264\|x265"
echo "== decoders"; $F -decoders 2>/dev/null | grep -i "cuvid\| h264 \| hevc "
echo "== cuda filters"; $F -filters 2>/dev/null | grep -i "cuda\|npp"
echo "== why NVENC opens or not"
$F -loglevel debug -f lavfi -i testsrc2=size=1280x720:rate=30 -t 1 -c:v h264_nvenc -f null - 2>&1 \
  | grep "h264_nvenc @" | grep -v Loaded | head -4
echo "== source: 720p30 20 s, x264 veryfast, 1 s GOP"
$F -y -loglevel error -f lavfi -i testsrc2=size=1280x720:rate=30 -f lavfi -i sine=frequency=440 -t 20 \
  -c:v libx264 -preset veryfast -g 30 -pix_fmt yuv420p -c:a aac src.mp4; ls -la src.mp4
X264="-c:v libx264 -preset veryfast -tune zerolatency -g 30 -keyint_min 30 -sc_threshold 0"
run() { echo "== $1"; shift; /usr/bin/time -f "wall %e s, user %U s, sys %S s" "$@" 2>&1 \
  | grep -iE "bench|wall|error|fail|capable|frame=.*speed" | tail -6; }
run "CPU ladder on 2 cores: decode, scale 720/480/240, x264" taskset -c 0,1 $F -benchmark -y -i src.mp4 \
  -filter_complex "[0:v]split=3[a][b][c];[a]scale=-2:720[v1];[b]scale=-2:480[v2];[c]scale=-2:240[v3]" \
  -map "[v1]" $X264 -b:v 2500k -f null - -map "[v2]" $X264 -b:v 1000k -f null - -map "[v3]" $X264 -b:v 400k -f null -
run "NVDEC decode only" $F -benchmark -y -hwaccel cuda -hwaccel_output_format cuda -i src.mp4 -an -f null -
run "NVENC encode, 720p" $F -benchmark -y -i src.mp4 -an -c:v h264_nvenc -preset p1 -tune ll -b:v 2500k -f null -
run "NVDEC + scale_cuda, x264 on 2 cores" taskset -c 0,1 $F -benchmark -y -hwaccel cuda -hwaccel_output_format cuda \
  -i src.mp4 -filter_complex "[0:v]split=3[a][b][c];[a]scale_cuda=-2:720,hwdownload,format=nv12[v1];[b]scale_cuda=-2:480,hwdownload,format=nv12[v2];[c]scale_cuda=-2:240,hwdownload,format=nv12[v3]" \
  -map "[v1]" $X264 -b:v 2500k -f null - -map "[v2]" $X264 -b:v 1000k -f null - -map "[v3]" $X264 -b:v 400k -f null -
echo "== done"
