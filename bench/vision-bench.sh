#!/usr/bin/env bash
# vision-bench.sh: three 1080p30 cameras composited with a lower third and a logo, Tribuna
# against ffmpeg doing the same.
#
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Three different 1080p30 H.264 files stand in for three cameras (each decoded in real
# time, looped). Tribuna (tests/fixtures/vision-run: the engine, a session recording,
# the lower third with an Albanian name, the second camera as a picture-in-picture,
# the logo bug) and ffmpeg (overlay + drawbox + drawtext + overlay of the logo, the
# three sounds mixed) each encode the program once with the same x264/AAC settings into
# MPEG-TS, one job at a time, under GNU time. Reported: CPU seconds per minute of
# program, and frames recorded against the frames the duration should hold (a real-time
# job that cannot keep up drops frames). The single-camera case (Tribuna with only the
# first camera and the lower third: no compositing of a second picture, no logo) is the
# baseline the three cameras are compared with.
#
# Usage: bench/vision-bench.sh
# Environment:
#   BENCH_SECONDS      seconds of program per run (default 60; the issue asks for 600)
#   BENCH_SINGLE_SECONDS  seconds of the single-camera runs (default BENCH_SECONDS)
#   BENCH_RESOLUTIONS  program sizes (default "1280x720 1920x1080")
#   VISION_RUN         the runner (default build/tests/vision-run)
#
# The machine this ran on was shared with other jobs: treat the numbers as a
# comparison between the two programs run back to back, not as absolutes.

set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$here")
out="$here/out"
seconds=${BENCH_SECONDS:-60}
single_seconds=${BENCH_SINGLE_SECONDS:-$seconds}
resolutions=${BENCH_RESOLUTIONS:-"1280x720 1920x1080"}
runner=${VISION_RUN:-$root/build/tests/vision-run}
fps=30
video_kbps=4000
audio_kbps=128
preset=veryfast
font=/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf

log () { printf '[vision-bench %(%H:%M:%S)T] %s\n' -1 "$*" >&2; }
die () { log "error: $*"; exit 1; }

[ -x "$runner" ] || die "no runner at $runner (ninja -C build tests/vision-run)"
command -v ffmpeg > /dev/null || die "ffmpeg is not installed"
[ -x /usr/bin/time ] || die "GNU time is not installed (apt-get install time)"
mkdir -p "$out"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vision-bench-XXXXXX")
trap 'rm -rf "$tmp"' EXIT

# Three cameras, generated once: different pictures, each with its own tone.
make_input () {
  local name=$1 video=$2 freq=$3
  [ -s "$out/$name.mp4" ] && return
  log "generating $name.mp4"
  ffmpeg -nostdin -v error -y -f lavfi -i "$video" \
    -f lavfi -i "sine=frequency=$freq:sample_rate=48000:duration=70" \
    -t 70 -c:v libx264 -preset veryfast -crf 20 -pix_fmt yuv420p -g 30 \
    -c:a aac -b:a 128k -ac 2 "$out/$name.mp4"
}
make_input camera-1 "testsrc2=size=1920x1080:rate=30" 440
make_input camera-2 "testsrc2=size=1920x1080:rate=30,hue=h=120,hflip" 660
make_input camera-3 "testsrc2=size=1920x1080:rate=30,hue=h=240,vflip" 880
if [ ! -s "$out/logo.png" ]; then
  ffmpeg -nostdin -v error -y -f lavfi -i "color=c=0xd4a017:s=160x90,drawbox=x=20:y=20:w=120:h=50:color=white:t=fill" \
    -frames:v 1 "$out/logo.png"
fi

# "frames expected": the frames decoded, and those the recording's duration should hold.
frames_of () {
  local frames duration
  frames=$(ffprobe -v error -select_streams v -count_frames -show_entries stream=nb_read_frames \
    -of csv=p=0 "$1" | head -1)
  duration=$(ffprobe -v error -show_entries format=duration -of csv=p=0 "$1")
  echo "$frames $(awk -v d="$duration" -v f=$fps 'BEGIN { printf "%d", d * f + 0.5 }')"
}

cpu_of () {   # user + system seconds from GNU time's -f "%U %S"
  awk '{printf "%.2f", $1 + $2}' "$1"
}

program_config () {   # width height: the [program] and [recording] groups
  local width=$1 height=$2
  cat <<CONF
[program]
width=$width
height=$height
framerate=$fps
video-bitrate=$video_kbps
audio-bitrate=$audio_kbps
keyframe-interval=2
encoder-preset=$preset
[recording]
segment-minutes=60
CONF
}

# Runs the engine on a config for @seconds; prints "CPU frames expected".
run_engine () {
  local dir=$1 seconds=$2
  /usr/bin/time -f "%U %S" -o "$dir/time" "$runner" "$dir/tribuna.conf" "$dir/data" "$seconds" \
    > "$dir/out" 2> "$dir/log" || die "vision-run failed: $(tail -3 "$dir/log")"
  local recording
  recording=$(sed -n 's/^recording=//p' "$dir/out")
  cat "$recording"/*.ts > "$dir/all.ts"
  echo "$(cpu_of "$dir/time") $(frames_of "$dir/all.ts")"
}

run_tribuna () {
  local width=$1 height=$2 dir=$tmp/tribuna-${width}x$height
  mkdir -p "$dir"
  { program_config "$width" "$height"; cat <<CONF
[source Kryesuesi]
uri=file://$out/camera-1.mp4
[source Foltorja]
uri=file://$out/camera-2.mp4
[source Salla]
uri=file://$out/camera-3.mp4
[overlays]
logo=$out/logo.png
CONF
  } > "$dir/tribuna.conf"
  run_engine "$dir" "$seconds"
}

run_single () {
  local width=$1 height=$2 dir=$tmp/single-${width}x$height
  mkdir -p "$dir"
  { program_config "$width" "$height"; cat <<CONF
[source Kryesuesi]
uri=file://$out/camera-1.mp4
CONF
  } > "$dir/tribuna.conf"
  run_engine "$dir" "$single_seconds"
}

run_ffmpeg () {
  local width=$1 height=$2 dir=$tmp/ffmpeg-${width}x$height
  local pip_w=$((width / 3 / 2 * 2)) pip_h=$((height / 3 / 2 * 2)) margin=$((width / 32))
  local box_y=$((height * 80 / 100)) box_h=$((height * 15 / 100))
  mkdir -p "$dir"
  # The third camera is decoded and scaled as Tribuna does, and not drawn (enable=0):
  # a nullsink branch would keep ffmpeg from ending.
  local graph="[0:v]scale=${width}:${height}[bg];[1:v]scale=${pip_w}:${pip_h}[pip];"
  graph+="[2:v]scale=${width}:${height}[third];[bg][third]overlay=enable=0[v0];"
  graph+="[v0][pip]overlay=x=W-w-${margin}:y=${margin}[v1];"
  graph+="[v1][3:v]overlay=x=W*0.05:y=H*0.05[v2];"
  graph+="[v2]drawbox=x=iw*0.05:y=${box_y}:w=iw*0.9:h=${box_h}:color=0x102a4c@0.85:t=fill,"
  graph+="drawtext=fontfile=${font}:text='Çlirim Ëndërr Bërisha':x=w*0.07:y=${box_y}+10:"
  graph+="fontsize=h/16:fontcolor=white[v];[0:a][1:a][2:a]amix=inputs=3[a]"
  /usr/bin/time -f "%U %S" -o "$dir/time" \
    ffmpeg -nostdin -v error -y \
      -re -stream_loop -1 -i "$out/camera-1.mp4" \
      -re -stream_loop -1 -i "$out/camera-2.mp4" \
      -re -stream_loop -1 -i "$out/camera-3.mp4" \
      -loop 1 -framerate $fps -t "$seconds" -i "$out/logo.png" \
      -filter_complex "$graph" -map "[v]" -map "[a]" -t "$seconds" \
      -c:v libx264 -preset $preset -tune zerolatency -b:v ${video_kbps}k -maxrate ${video_kbps}k \
      -bufsize ${video_kbps}k -g $((fps * 2)) -r $fps -pix_fmt yuv420p \
      -c:a aac -b:a ${audio_kbps}k -ar 48000 -f mpegts "$dir/out.ts" 2> "$dir/log" \
    || die "ffmpeg failed: $(tail -3 "$dir/log")"
  echo "$(cpu_of "$dir/time") $(frames_of "$dir/out.ts")"
}

printf '\n| program | job | CPU s | CPU s per minute | frames recorded / in its duration |\n'
printf '|---|---|---|---|---|\n'
for resolution in $resolutions; do
  width=${resolution%x*}
  height=${resolution#*x}
  for job in single tribuna ffmpeg; do
    job_seconds=$seconds
    [ "$job" = single ] && job_seconds=$single_seconds
    log "$job at $resolution for $job_seconds s"
    read -r cpu frames expected < <(run_$job "$width" "$height")
    per_minute=$(awk -v c="$cpu" -v s="$job_seconds" 'BEGIN { printf "%.1f", c * 60 / s }')
    printf '| %s | %s | %s | %s | %s / %s |\n' "$resolution" "$job" "$cpu" "$per_minute" \
      "$frames" "$expected"
  done
done
