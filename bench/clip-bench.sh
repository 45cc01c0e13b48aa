#!/usr/bin/env bash
# bench/clip-bench.sh: Tribuna's clip export next to ffmpeg on the same range of a 2-hour
# recording, and the physical floor (reading the clip's bytes). See bench/README.md.
#
#   ninja -C build && bench/clip-bench.sh          # about 10 minutes, 3 runs of each
#
# Writes its own section of docs/benchmarks.md (between the clip-bench markers) and
# nothing else there; the 2-hour recording is cached in bench/out/clip/.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/.." && pwd)
build=${BUILD_DIR:-$root/build}
run_clip=${CLIP_RUN:-$build/tests/clip-run}
repeats=${BENCH_REPEATS:-3}
doc=${BENCH_DOC-$root/docs/benchmarks.md}
out=$root/bench/out/clip
recording=$out/recording
work=$(mktemp -d /tmp/tribuna-clip-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT

# The ranges, in seconds on the session axis (the 2-hour recording is 12 segments of 600 s):
# each crosses a segment boundary and starts and ends mid-GOP.
fast_from=2600.4; fast_to=3200.4       # 10 minutes, over the 50:00 boundary
exact_from=2980.4; exact_to=3040.4     # 60 seconds, over the same boundary
# ffmpeg re-encoding: -ss before -i (it decodes from the keyframe before and drops frames up
# to the in-point: frame-accurate) and -t, as its -to with an input -ss overshoots there
exact_length=$(awk -v a=$exact_from -v b=$exact_to 'BEGIN {print b - a}')

die() { echo "clip-bench: $*" >&2; exit 1; }
for tool in ffmpeg ffprobe gst-launch-1.0 python3 /usr/bin/time; do
  command -v "$tool" >/dev/null || die "$tool is needed"
done
[ -x "$run_clip" ] || die "$run_clip is missing: build first (ninja -C build)"

# 1. The recording: one minute recorded the way tribunad records (x264 veryfast zerolatency
#    CBR 4 Mbit/s 720p30, keyframes every 2 s, parameter sets at every IDR, AAC 128 kbit/s,
#    mpegtsmux), looped by stream copy into 2 hours of 10-minute segments.
make_recording() {
  mkdir -p "$recording"
  echo "clip-bench: recording a minute of test media" >&2
  ffmpeg -nostdin -v error -y \
    -f lavfi -i "testsrc2=s=1280x720:r=30:d=60,drawbox=x=480:y=270:w=320:h=180:color=white:t=fill:enable='eq(mod(n\,30)\,0)'" \
    -f lavfi -i "sine=f=1000:r=48000:d=60" -ac 2 \
    -c:v libx264 -preset ultrafast -crf 18 -g 30 -pix_fmt yuv420p -c:a aac -b:a 192k \
    -shortest "$work/source.mp4"
  gst-launch-1.0 -q -e filesrc location="$work/source.mp4" ! qtdemux name=d \
    mpegtsmux name=mux ! filesink location="$work/minute.ts" \
    d.video_0 ! queue ! avdec_h264 ! videoconvert ! video/x-raw,format=I420 ! \
      x264enc tune=zerolatency speed-preset=veryfast pass=cbr bitrate=4000 key-int-max=60 \
        vbv-buf-capacity=1000 ! h264parse ! video/x-h264,stream-format=avc,alignment=au ! \
      h264parse config-interval=-1 ! video/x-h264,stream-format=byte-stream,alignment=au ! \
      queue ! mux. \
    d.audio_0 ! queue ! avdec_aac ! audioconvert ! audioresample ! \
      audio/x-raw,rate=48000,channels=2 ! avenc_aac bitrate=128000 ! aacparse ! queue ! mux.
  echo "clip-bench: looping it into 2 hours of 10-minute segments" >&2
  ffmpeg -nostdin -v error -y -stream_loop 119 -i "$work/minute.ts" -c copy -map 0 \
    -f segment -segment_time 600 -segment_format mpegts -reset_timestamps 0 \
    "$recording/segment-%03d.ts"
  # the session axis, as the segment log gives it: each segment from its first video frame
  python3 - "$recording" > "$recording/segments.txt" <<'EOF'
import glob, subprocess, sys
paths = sorted(glob.glob(sys.argv[1] + "/segment-*.ts"))
def first_video(path):
    out = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-read_intervals",
                          "%+#1", "-show_entries", "packet=pts_time", "-of", "csv=p=0", path],
                         capture_output=True, text=True, check=True).stdout
    return float(out.split(",")[0])
def last_video_end(path):
    out = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
                          "packet=pts_time", "-of", "csv=p=0", path],
                         capture_output=True, text=True, check=True).stdout.split()
    return max(float(x.strip(",")) for x in out if x.strip(",")) + 1 / 30
starts = [first_video(p) for p in paths]
ends = starts[1:] + [last_video_end(paths[-1])]
axis = 0
for path, start, end in zip(paths, starts, ends):
    duration = round((end - start) * 1e9)
    print(path, axis, duration)
    axis += duration
EOF
}

[ -s "$recording/segments.txt" ] || make_recording
segments=$recording/segments.txt
concat="concat:$(awk '{print $1}' "$segments" | paste -sd'|')"
total=$(awk '{s += $3} END {printf "%.1f", s / 1e9}' "$segments")
size=$(awk '{print $1}' "$segments" | xargs du -cb | tail -1 | cut -f1)

# 2. Helpers

can_drop_caches=0
if [ -w /proc/sys/vm/drop_caches ]; then can_drop_caches=1; fi
cold() {
  sync
  if [ "$can_drop_caches" = 1 ]; then echo 3 > /proc/sys/vm/drop_caches; fi
}

# timed LABEL COMMAND...: runs it cold, prints "wall cpu" (seconds)
timed() {
  local label=$1; shift
  cold
  /usr/bin/time -f "%e %U %S" -o "$work/time" "$@" > "$work/$label.out" 2> "$work/$label.err" \
    || { cat "$work/$label.err" >&2; die "$label failed"; }
  awk '{printf "%.3f %.3f\n", $1, $2 + $3}' "$work/time"
}

median() { sort -n | awk '{a[NR] = $1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }

# duration, frames and whether the moov comes before the mdat
check() {
  python3 - "$1" <<'EOF'
import struct, subprocess, sys
path = sys.argv[1]
data = open(path, "rb")
boxes, offset = [], 0
while True:
    data.seek(offset)
    head = data.read(16)
    if len(head) < 8: break
    size, kind = struct.unpack(">I4s", head[:8])
    if size == 1: size = struct.unpack(">Q", head[8:16])[0]
    boxes.append(kind.decode("latin1"))
    if size < 8: break
    offset += size
probe = subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
                        "stream=nb_frames,duration:format=duration", "-of", "csv=p=0", path],
                       capture_output=True, text=True).stdout.split()
moov_first = "moov" in boxes and "mdat" in boxes and boxes.index("moov") < boxes.index("mdat")
print(f"{probe[-1].strip(',') if probe else '?'} {'moov-first' if moov_first else 'moov-LAST'}")
EOF
}

# The byte range of the recording a range of time covers: from the packet at the start to
# the packet at the end, across segments.
byte_range() {
  python3 - "$segments" "$1" "$2" <<'EOF'
import subprocess, sys
segments = [l.split() for l in open(sys.argv[1]) if l.strip()]
start, end = float(sys.argv[2]), float(sys.argv[3])
for path, axis, duration in segments:
    a, d = int(axis) / 1e9, int(duration) / 1e9
    if a + d <= start or a >= end: continue
    first = float(subprocess.run(["ffprobe", "-v", "error", "-select_streams", "v:0",
        "-read_intervals", "%+#1", "-show_entries", "packet=pts_time", "-of", "csv=p=0", path],
        capture_output=True, text=True).stdout.split(",")[0])
    def pos(t):
        if t <= a: return 0
        if t >= a + d: return None
        out = subprocess.run(["ffprobe", "-v", "error", "-read_intervals", f"{first + t - a - 2}%+4",
            "-show_entries", "packet=pts_time,pos", "-of", "csv=p=0", path],
            capture_output=True, text=True).stdout.split()
        best = 0
        for line in out:
            fields = line.strip(",").split(",")
            if len(fields) < 2 or fields[1] in ("", "N/A"): continue
            if float(fields[0]) <= first + t - a: best = int(fields[1])
        return best
    lo, hi = pos(start), pos(end)
    print(path, lo, "end" if hi is None else hi)
EOF
}

read_floor() {
  local range=$1
  while read -r path lo hi; do
    if [ "$hi" = end ]; then
      dd if="$path" iflag=skip_bytes bs=4M skip="$lo" status=none of=/dev/null
    else
      dd if="$path" iflag=skip_bytes,count_bytes bs=4M skip="$lo" count=$((hi - lo)) \
        status=none of=/dev/null
    fi
  done < "$range"
}

range_bytes() {
  while read -r path lo hi; do
    [ "$hi" = end ] && hi=$(stat -c %s "$path")
    echo $((hi - lo))
  done < "$1" | awk '{s += $1} END {print s + 0}'
}

results=$work/results
: > "$results"
fast_bytes=$work/fast-bytes; byte_range "$fast_from" "$fast_to" > "$fast_bytes"
exact_bytes=$work/exact-bytes; byte_range "$exact_from" "$exact_to" > "$exact_bytes"
fast_read=$(range_bytes "$fast_bytes")
exact_read=$(range_bytes "$exact_bytes")

# 3. The runs, alternating so neither side always meets a warmer machine
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

for i in $(seq 1 "$repeats"); do
  echo "clip-bench: round $i of $repeats" >&2
  echo "tribuna-fast $(timed tribuna-fast-$i "$run_clip" --mode fast --from $fast_from --to $fast_to -o "$work/tribuna-fast" "$segments")" >> "$results"
  echo "ffmpeg-fast $(timed ffmpeg-fast-$i ffmpeg -nostdin -v error -y -ss $fast_from -to $fast_to -i "$concat" -c copy -movflags +faststart "$work/ffmpeg-fast.mp4")" >> "$results"
  echo "floor-fast $(timed floor-fast-$i bash -c "$(declare -f read_floor); read_floor '$fast_bytes'")" >> "$results"
  echo "tribuna-exact $(timed tribuna-exact-$i "$run_clip" --mode exact --from $exact_from --to $exact_to -o "$work/tribuna-exact" "$segments")" >> "$results"
  echo "ffmpeg-exact $(timed ffmpeg-exact-$i ffmpeg -nostdin -v error -y -ss $exact_from -i "$concat" -t "$exact_length" -vf scale=1280:720 -c:v libx264 -preset veryfast -crf 20 -c:a aac -b:a 128k -movflags +faststart "$work/ffmpeg-exact.mp4")" >> "$results"
  echo "floor-exact $(timed floor-exact-$i bash -c "$(declare -f read_floor); read_floor '$exact_bytes'")" >> "$results"
  echo "tribuna-square $(timed tribuna-square-$i "$run_clip" --mode exact --preset square --from $exact_from --to $exact_to -o "$work/tribuna-square" "$segments")" >> "$results"
  echo "ffmpeg-square $(timed ffmpeg-square-$i ffmpeg -nostdin -v error -y -ss $exact_from -i "$concat" -t "$exact_length" -vf "crop=ih:ih,scale=1080:1080" -c:v libx264 -preset veryfast -crf 20 -c:a aac -b:a 128k -movflags +faststart "$work/ffmpeg-square.mp4")" >> "$results"
done

load_after=$(cut -d' ' -f1-3 /proc/loadavg)

render_of() { sed -n 's/^render=//p' "$work/$1-1.out"; }
wall() { awk -v n="$1" '$1 == n {print $2}' "$results" | median; }
cpu() { awk -v n="$1" '$1 == n {print $3}' "$results" | median; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", (b > 0) ? a / b : 0}'; }
mib() { awk -v b="$1" 'BEGIN {printf "%.0f", b / 1048576}'; }

check_fast_t=$(check "$work/tribuna-fast.mp4"); check_fast_f=$(check "$work/ffmpeg-fast.mp4")
check_exact_t=$(check "$work/tribuna-exact.mp4"); check_exact_f=$(check "$work/ffmpeg-exact.mp4")
check_square_t=$(check "$work/tribuna-square.mp4"); check_square_f=$(check "$work/ffmpeg-square.mp4")

verdict() {  # tribuna ffmpeg target-ratio
  awk -v t="$1" -v f="$2" -v r="$3" 'BEGIN {print (t <= f * r) ? "met" : "**missed**"}'
}

cache_note="page cache dropped before every run"
[ "$can_drop_caches" = 1 ] || cache_note="the page cache could NOT be dropped (not root): warm-cache times"

section=$work/section.md
{
  echo "## Clip export"
  echo
  echo "Run \`bench/clip-bench.sh\`. Measured $(date -u '+%Y-%m-%d %H:%M UTC') on $(nproc) × $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//') ($(free -m | awk '/Mem:/ {print $2}') MiB RAM);"
  echo "GStreamer $(gst-launch-1.0 --version | sed -n 's/GStreamer //p' | head -1), $(ffmpeg -version | head -1 | cut -d' ' -f1-3); commit $(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$root" diff --quiet 2>/dev/null || echo ' with uncommitted changes')."
  echo "The recording: 1 minute recorded as tribunad records it (720p30 H.264 CBR 4 Mbit/s, a keyframe every 2 s, AAC), looped by stream copy into ${total} s ($(mib "$size") MiB) of 10-minute MPEG-TS segments."
  echo "Load average before/after: $load_before / $load_after (wall times stretch when other work shares the two cores; CPU times much less)."
  echo "Both sides read the same range of the same segments (ffmpeg through its \`concat:\` protocol over all twelve); $cache_note; median of $repeats runs; CPU is user + system."
  echo "ffmpeg commands: fast \`ffmpeg -ss FROM -to TO -i concat:… -c copy -movflags +faststart\`; exact \`ffmpeg -ss FROM -i concat:… -t 60 -vf scale=1280:720 -c:v libx264 -preset veryfast -crf 20 -c:a aac -b:a 128k -movflags +faststart\` (square: \`-vf crop=ih:ih,scale=1080:1080\`), the settings Tribuna re-encodes with."
  echo "Tribuna runs \`build/tests/clip-run\` (the export engine, as \`tribuna-cli clip\` runs it, without the archive), which also writes the JPEG thumbnail and the JSON sidecar."
  echo
  echo "| job | Tribuna wall s | ffmpeg wall s | Tribuna ÷ ffmpeg | target | | Tribuna CPU s | ffmpeg CPU s |"
  echo "|---|---:|---:|---:|---|---|---:|---:|"
  echo "| 10-minute fast clip ($fast_from–$fast_to s), stream copy, moov first | $(wall tribuna-fast) | $(wall ffmpeg-fast) | $(ratio "$(wall tribuna-fast)" "$(wall ffmpeg-fast)") | no slower | $(verdict "$(wall tribuna-fast)" "$(wall ffmpeg-fast)" 1.0) | $(cpu tribuna-fast) | $(cpu ffmpeg-fast) |"
  echo "| 60-second exact clip ($exact_from–$exact_to s), web preset | $(wall tribuna-exact) | $(wall ffmpeg-exact) | $(ratio "$(wall tribuna-exact)" "$(wall ffmpeg-exact)") | faster | $(verdict "$(wall tribuna-exact)" "$(wall ffmpeg-exact)" 0.999) | $(cpu tribuna-exact) | $(cpu ffmpeg-exact) |"
  echo "| 60-second exact clip, square preset (both re-encode all) | $(wall tribuna-square) | $(wall ffmpeg-square) | $(ratio "$(wall tribuna-square)" "$(wall ffmpeg-square)") | (for reference) | | $(cpu tribuna-square) | $(cpu ffmpeg-square) |"
  echo
  echo "Physical floor, reading the range's bytes of the recording with \`dd\` ($cache_note):"
  echo "10 minutes, $(mib "$fast_read") MiB: $(wall floor-fast) s; 60 seconds, $(mib "$exact_read") MiB: $(wall floor-exact) s."
  echo
  echo "What each made (frames, moov position): Tribuna fast $(render_of tribuna-fast): $check_fast_t; ffmpeg: $check_fast_f."
  echo "Tribuna exact $(render_of tribuna-exact) (re-encodes the partial GOP at the start, copies the rest): $check_exact_t; ffmpeg: $check_exact_f."
  echo "Tribuna square $(render_of tribuna-square): $check_square_t; ffmpeg: $check_square_f."
  echo
  echo "Every run (wall s, CPU s):"
  echo
  echo '```'
  cat "$results"
  echo '```'
} > "$section"

cat "$section"

if [ -n "$doc" ]; then
  [ -f "$doc" ] || printf '# Benchmarks\n' > "$doc"
  python3 - "$doc" "$section" <<'EOF'
import sys
doc, section = sys.argv[1], open(sys.argv[2]).read()
begin, end = "<!-- clip-bench:begin (written by bench/clip-bench.sh; edit around it) -->", "<!-- clip-bench:end -->"
text = open(doc).read()
block = begin + "\n" + section.rstrip("\n") + "\n" + end
if begin in text and end in text:
    before, rest = text.split(begin, 1)
    text = before + block + rest.split(end, 1)[1]
else:
    text = text.rstrip("\n") + "\n\n" + block + "\n"
open(doc, "w").write(text)
EOF
  echo "clip-bench: wrote the Clip export section of $doc" >&2
fi
