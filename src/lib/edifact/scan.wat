;; EDIFACT segment scanner (WebAssembly text, SIMD). Built into scan.wasm.ts by
;; `npx tsx scripts/build-wasm.ts`; a test checks that the two agree.
;;
;; Input: bytes in memory from `pos` to the `end` given to `scan`. Output: the number of segments
;; found, and a table entry for each "special" segment that the JavaScript side must look at:
;; service segments (tag "UN..."), segments with a line break or a release character inside, an
;; invalid tag, over-long ones, and markers. Everything else (the bulk of a file) is never touched
;; by JavaScript until someone reads the segment.
;;
;; Per 64-byte block the four 16-byte vectors are compared with the terminator, line feed,
;; carriage return and release character, giving 64-bit masks. Fast path: a block with no
;; carriage return or release character, line feeds only right after terminators, and good tags at
;; every segment start (checked by table) is only counted (popcnt); where its last segment ends
;; and the next one starts is worked out when needed. Any other block takes the exact path: the
;; positions of interest are visited one by one with ctz. Line breaks are counted with popcnt.
;;
;; Segment start: the byte after the previous terminator, after line feeds, carriage returns
;; and empty segments. A segment whose start is a space, tab or anything else is flagged
;; (its tag check fails) and the JavaScript side handles it exactly.
(module
  (memory (export "memory") 3)
  ;; bytes 0..255: 1 for the characters allowed in a tag (A-Z, 0-9); bytes 64 KiB..128 KiB, filled
  ;; by $init: for the first two bytes of a tag, 1 when both are allowed, 2 for "UN" (service);
  ;; bytes 2048..2088: the masks of the last fast block (see the fast path)
  (data (i32.const 48) "\01\01\01\01\01\01\01\01\01\01")
  (data (i32.const 65) "\01\01\01\01\01\01\01\01\01\01\01\01\01\01\01\01\01\01\01\01\01\01\01\01\01\01")

  ;; service characters, set by the caller
  (global $term (export "term") (mut i32) (i32.const 39))
  (global $elem (export "elem") (mut i32) (i32.const 43))
  (global $comp (export "comp") (mut i32) (i32.const 58))
  (global $rel (export "rel") (mut i32) (i32.const 63))
  (global $relOn (export "relOn") (mut i32) (i32.const 1))
  (global $maxLen (export "maxLen") (mut i32) (i32.const 1048576))

  ;; state between calls
  (global $pos (export "pos") (mut i32) (i32.const 0))         ;; scanned up to here
  (global $breaks (export "breaks") (mut i32) (i32.const 0))   ;; line breaks before pos
  (global $cand (export "cand") (mut i32) (i32.const 0))       ;; start of the open segment
  (global $flags (export "flags") (mut i32) (i32.const 0))     ;; of the open segment: 1 break, 2 release
  (global $skip (export "skip") (mut i32) (i32.const 0))       ;; 1: discard up to the next terminator
  (global $cursor (export "cursor") (mut i32) (i32.const 0))   ;; a released byte is before this
  (global $high (export "high") (mut i32) (i32.const 0))       ;; 1 once a byte from 128 up was scanned; the caller clears it
  (global $prevT (mut i64) (i64.const 0))  ;; terminator mask of the block before pos, its last byte at bit 63
  (global $prevL (mut i64) (i64.const 0))  ;; the same for line feeds
  (global $ok (mut i32) (i32.const 0))     ;; 1 when the open segment is known to be plain (see the fast path)

  ;; output
  ;; special segments, 5 x i32 each: its number among the segments of this call, the position of
  ;; its terminator, the line breaks before that, and the same two for the segment before it
  (global $spec (mut i32) (i32.const 0))
  (global $specCap (mut i32) (i32.const 0))
  (global $count (export "count") (mut i32) (i32.const 0))
  (global $specCount (export "specCount") (mut i32) (i32.const 0))
  ;; the last segment found: the position of its terminator and the line breaks before it
  (global $lastEnd (export "lastEnd") (mut i32) (i32.const 0))
  (global $lastBreaks (export "lastBreaks") (mut i32) (i32.const 0))

  (func $init
    (local $i i32) (local $v i32)
    (loop $next
      (local.set $v (i32.and (i32.load8_u (i32.and (local.get $i) (i32.const 255)))
                             (i32.load8_u (i32.shr_u (local.get $i) (i32.const 8)))))
      (if (i32.eq (local.get $i) (i32.const 0x4E55)) (then (local.set $v (i32.const 2))))
      (i32.store8 offset=65536 (local.get $i) (local.get $v))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $next (i32.lt_u (local.get $i) (i32.const 65536)))))
  (start $init)

  (func (export "setup") (param $spec i32) (param $specCap i32)
    (global.set $spec (local.get $spec))
    (global.set $specCap (local.get $specCap)))

  ;; starts a new input at `at`, with `breaks` line breaks before it
  (func (export "reset") (param $at i32) (param $breaks i32)
    (global.set $pos (local.get $at))
    (global.set $cand (local.get $at))
    (global.set $cursor (local.get $at))
    (global.set $breaks (local.get $breaks))
    (global.set $lastEnd (i32.sub (local.get $at) (i32.const 1)))
    (global.set $lastBreaks (local.get $breaks))
    (global.set $flags (i32.const 0))
    (global.set $skip (i32.const 0))
    (global.set $prevT (i64.const 0))
    (global.set $prevL (i64.const 0))
    (global.set $ok (i32.const 0))
    (global.set $count (i32.const 0))
    (global.set $specCount (i32.const 0)))

  ;; the caller moved the bytes down by $d (between calls, when no record is pending)
  (func (export "shift") (param $d i32)
    (global.set $pos (i32.sub (global.get $pos) (local.get $d)))
    (global.set $cand (i32.sub (global.get $cand) (local.get $d)))
    (global.set $lastEnd (i32.sub (global.get $lastEnd) (local.get $d)))
    (global.set $cursor (select (i32.sub (global.get $cursor) (local.get $d)) (i32.const 0)
      (i32.gt_u (global.get $cursor) (local.get $d)))))

  ;; Scans from pos to $end and returns the new pos: $end, or earlier when the output is full.
  ;; The caller keeps 2 bytes after $end readable (the next input bytes, or zeros at the end of
  ;; the input) and 64 bytes of padding after that.
  (func (export "scan") (param $end i32) (result i32)
    (local $p i32) (local $e i64) (local $tm i64) (local $lm i64) (local $om i64) (local $valid i64)
    (local $prevT i64) (local $prevL i64) (local $ok i32)
    (local $tp1 i64) (local $st i64) (local $nt i64) (local $n i32) (local $below i64)
    (local $pend i32) (local $chain i32) (local $mst i64) (local $mnt i64) (local $bit i64) (local $hi v128) (local $v0 v128) (local $v1 v128) (local $v2 v128) (local $v3 v128)
    (local $vterm v128) (local $vlf v128) (local $vcr v128) (local $vrel v128)
    (local $q i32) (local $ch i32) (local $w i32) (local $x i32) (local $c3 i32)
    (local $rec i32) (local $nl i32) (local $base i32) (local $lq i32) (local $lastEnd i32) (local $lastBreaks i32)
    (local $cand i32) (local $flags i32) (local $cursor i32) (local $count i32)
    (local $term i32) (local $rel i32) (local $elem i32) (local $comp i32) (local $maxLen i32)
    (local $skip i32) (local $specCount i32) (local $specCap i32)
    (local.set $p (global.get $pos))
    (local.set $base (global.get $breaks))
    (local.set $cand (global.get $cand))
    (local.set $flags (global.get $flags))
    (local.set $cursor (global.get $cursor))
    (local.set $prevT (global.get $prevT))
    (local.set $prevL (global.get $prevL))
    (local.set $ok (global.get $ok))
    (local.set $count (global.get $count))
    (local.set $lastEnd (global.get $lastEnd))
    (local.set $lastBreaks (global.get $lastBreaks))
    (local.set $term (global.get $term))
    (local.set $elem (global.get $elem))
    (local.set $comp (global.get $comp))
    (local.set $maxLen (global.get $maxLen))
    (local.set $skip (global.get $skip))
    (local.set $specCount (global.get $specCount))
    (local.set $specCap (global.get $specCap))
    ;; without a release character, the release compare repeats the terminator one
    (local.set $rel (select (global.get $rel) (global.get $term) (global.get $relOn)))
    (local.set $vterm (i8x16.splat (local.get $term)))
    (local.set $vlf (i8x16.splat (i32.const 10)))
    (local.set $vcr (i8x16.splat (i32.const 13)))
    (local.set $vrel (i8x16.splat (local.get $rel)))
    (block $exit
      (loop $block
        (br_if $exit (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $v0 (v128.load (local.get $p)))
        (local.set $v1 (v128.load offset=16 (local.get $p)))
        (local.set $v2 (v128.load offset=32 (local.get $p)))
        (local.set $v3 (v128.load offset=48 (local.get $p)))
        (local.set $tm (i64.or
          (i64.extend_i32_u (i32.or (i8x16.bitmask (i8x16.eq (local.get $v0) (local.get $vterm))) (i32.shl (i8x16.bitmask (i8x16.eq (local.get $v1) (local.get $vterm))) (i32.const 16))))
          (i64.shl (i64.extend_i32_u (i32.or (i8x16.bitmask (i8x16.eq (local.get $v2) (local.get $vterm))) (i32.shl (i8x16.bitmask (i8x16.eq (local.get $v3) (local.get $vterm))) (i32.const 16)))) (i64.const 32))))
        (local.set $lm (i64.or
          (i64.extend_i32_u (i32.or (i8x16.bitmask (i8x16.eq (local.get $v0) (local.get $vlf))) (i32.shl (i8x16.bitmask (i8x16.eq (local.get $v1) (local.get $vlf))) (i32.const 16))))
          (i64.shl (i64.extend_i32_u (i32.or (i8x16.bitmask (i8x16.eq (local.get $v2) (local.get $vlf))) (i32.shl (i8x16.bitmask (i8x16.eq (local.get $v3) (local.get $vlf))) (i32.const 16)))) (i64.const 32))))
        ;; carriage returns and release characters are rare: their mask only when there are some
        (local.set $om (i64.const 0))
        (if (v128.any_true (v128.or (v128.or (v128.or (i8x16.eq (local.get $v0) (local.get $vcr)) (i8x16.eq (local.get $v0) (local.get $vrel))) (v128.or (i8x16.eq (local.get $v1) (local.get $vcr)) (i8x16.eq (local.get $v1) (local.get $vrel)))) (v128.or (v128.or (i8x16.eq (local.get $v2) (local.get $vcr)) (i8x16.eq (local.get $v2) (local.get $vrel))) (v128.or (i8x16.eq (local.get $v3) (local.get $vcr)) (i8x16.eq (local.get $v3) (local.get $vrel))))))
          (then
            (local.set $om (i64.or
              (i64.extend_i32_u (i32.or (i8x16.bitmask (v128.or (i8x16.eq (local.get $v0) (local.get $vcr)) (i8x16.eq (local.get $v0) (local.get $vrel)))) (i32.shl (i8x16.bitmask (v128.or (i8x16.eq (local.get $v1) (local.get $vcr)) (i8x16.eq (local.get $v1) (local.get $vrel)))) (i32.const 16))))
              (i64.shl (i64.extend_i32_u (i32.or (i8x16.bitmask (v128.or (i8x16.eq (local.get $v2) (local.get $vcr)) (i8x16.eq (local.get $v2) (local.get $vrel)))) (i32.shl (i8x16.bitmask (v128.or (i8x16.eq (local.get $v3) (local.get $vcr)) (i8x16.eq (local.get $v3) (local.get $vrel)))) (i32.const 16)))) (i64.const 32))))))
        (if (i32.lt_u (i32.sub (local.get $end) (local.get $p)) (i32.const 64))
          (then
            (local.set $valid (i64.sub (i64.shl (i64.const 1)
              (i64.extend_i32_u (i32.sub (local.get $end) (local.get $p)))) (i64.const 1)))
            (local.set $tm (i64.and (local.get $tm) (local.get $valid)))
            (local.set $lm (i64.and (local.get $lm) (local.get $valid)))
            (local.set $om (i64.and (local.get $om) (local.get $valid)))
            (if (i64.ne (i64.const 0) (i64.and (local.get $valid) (i64.or
                  (i64.extend_i32_u (i32.or (i8x16.bitmask (local.get $v0)) (i32.shl (i8x16.bitmask (local.get $v1)) (i32.const 16))))
                  (i64.shl (i64.extend_i32_u (i32.or (i8x16.bitmask (local.get $v2)) (i32.shl (i8x16.bitmask (local.get $v3)) (i32.const 16)))) (i64.const 32)))))
              (then (global.set $high (i32.const 1)))))
          (else
            ;; bytes from 128 up (not ASCII) are noted for the caller's UTF-8 check
            (local.set $hi (v128.or (local.get $hi) (v128.or (v128.or (local.get $v0) (local.get $v1)) (v128.or (local.get $v2) (local.get $v3)))))))
        ;; The fast path: a whole block (and the 3 bytes after it) with no carriage return, no release
        ;; character and no line feed except right after a terminator, where every segment that
        ;; starts has a good tag that is not "U..", and the segment still open from before (if this
        ;; block ends it) is known plain and not too long. Then the block's segments are only
        ;; counted: no event is visited.
        (block $slow
          (br_if $slow (i32.lt_u (i32.sub (local.get $end) (local.get $p)) (i32.const 67)))
          (br_if $slow (i64.ne (local.get $om) (i64.const 0)))
          (br_if $slow (i32.gt_u (local.get $cursor) (local.get $p)))
          (br_if $slow (local.get $skip))
          (br_if $slow (i32.lt_u (local.get $maxLen) (i32.const 128)))
          (local.set $tp1 (i64.or (i64.shl (local.get $tm) (i64.const 1)) (i64.shr_u (local.get $prevT) (i64.const 63))))
          ;; every line feed right after a terminator
          (br_if $slow (i64.ne (i64.and (local.get $lm) (i64.xor (local.get $tp1) (i64.const -1))) (i64.const 0)))
          ;; segment starts: right after a terminator, or after a terminator and a line feed
          (local.set $st (i64.or
            (i64.and (local.get $tp1) (i64.xor (local.get $lm) (i64.const -1)))
            (i64.and (i64.or (i64.shl (local.get $tm) (i64.const 2)) (i64.shr_u (local.get $prevT) (i64.const 62)))
                     (i64.or (i64.shl (local.get $lm) (i64.const 1)) (i64.shr_u (local.get $prevL) (i64.const 63))))))
          ;; a start on a terminator is an empty segment: its terminator ends nothing
          (local.set $nt (i64.and (local.get $tm) (i64.xor (local.get $st) (i64.const -1))))
          (local.set $st (i64.and (local.get $st) (i64.xor (local.get $tm) (i64.const -1))))
          ;; every segment that starts here: a good tag (A-Z/0-9 three times, then a separator or
          ;; the terminator), not a service segment (UN.)
          (local.set $e (local.get $st))
          (block $tagsGood
            (loop $tag
              (br_if $tagsGood (i64.eqz (local.get $e)))
              (local.set $w (i32.load (i32.add (local.get $p) (i32.wrap_i64 (i64.ctz (local.get $e))))))
              (local.set $e (i64.and (local.get $e) (i64.sub (local.get $e) (i64.const 1))))
              (br_if $slow (i32.ne (i32.load8_u offset=65536 (i32.and (local.get $w) (i32.const 0xffff))) (i32.const 1)))
              (br_if $slow (i32.eqz (i32.load8_u (i32.and (i32.shr_u (local.get $w) (i32.const 16)) (i32.const 255)))))
              (local.set $c3 (i32.shr_u (local.get $w) (i32.const 24)))
              (br_if $tag (i32.eq (local.get $c3) (local.get $elem)))
              (br_if $tag (i32.eq (local.get $c3) (local.get $comp)))
              (br_if $tag (i32.eq (local.get $c3) (local.get $term)))
              (br $slow)))
          ;; The first terminator ends the segment open from before, unless a segment starts before
          ;; it. After a fast block with terminators that segment started there (checked) or starts
          ;; here, and is shorter than 128 bytes; otherwise it is looked at.
          (if (i64.ne (local.get $nt) (i64.const 0))
            (then
              (if (i32.eqz (local.get $chain))
                (then
                  (if (i64.eqz (i64.and (local.get $st)
                        (i64.sub (i64.and (local.get $nt) (i64.sub (i64.const 0) (local.get $nt))) (i64.const 1))))
                    (then
                      (if (local.get $pend)
            (then
              (local.set $pend (i32.const 0))
              (local.set $mnt (i64.load offset=2072 (i32.const 0)))
              (if (i64.ne (local.get $mnt) (i64.const 0))
                (then
                  (local.set $n (i32.sub (i32.const 63) (i32.wrap_i64 (i64.clz (local.get $mnt)))))
                  (local.set $lastEnd (i32.add (i32.load offset=2048 (i32.const 0)) (local.get $n)))
                  (local.set $lastBreaks (i32.add (i32.load offset=2052 (i32.const 0)) (i32.wrap_i64 (i64.popcnt (i64.and (i64.load offset=2080 (i32.const 0))
                    (i64.sub (i64.shl (i64.const 1) (i64.extend_i32_u (local.get $n))) (i64.const 1)))))))))
              (local.set $n (i32.sub (i32.const 63) (i32.wrap_i64 (i64.clz (i64.load offset=2056 (i32.const 0))))))
              (local.set $flags (i32.const 0))
              (local.set $mst (i64.load offset=2064 (i32.const 0)))
              (if (i64.ne (i64.const 0) (i64.and (local.get $mst)
                    (i64.xor (i64.sub (i64.shl (i64.const 2) (i64.extend_i32_u (local.get $n))) (i64.const 1)) (i64.const -1))))
                (then
                  (local.set $cand (i32.add (i32.load offset=2048 (i32.const 0)) (i32.sub (i32.const 63) (i32.wrap_i64 (i64.clz (local.get $mst))))))
                  (local.set $ok (i32.const 1)))
                (else
                  (local.set $q (i32.add (i32.load offset=2048 (i32.const 0)) (local.get $n)))
                  (local.set $cand (i32.add (i32.add (local.get $q) (i32.const 1))
                    (i32.eq (i32.load8_u offset=1 (local.get $q)) (i32.const 10))))
                  (local.set $ok (i32.const 0))))))
                      (br_if $slow (i32.eqz (local.get $ok)))
                      (br_if $slow (i32.gt_u
                        (i32.sub (i32.add (local.get $p) (i32.wrap_i64 (i64.ctz (local.get $nt)))) (local.get $cand))
                        (local.get $maxLen)))))))
              (local.set $count (i32.add (local.get $count) (i32.wrap_i64 (i64.popcnt (local.get $nt)))))))
          ;; where the last segment ends and the open one starts is worked out only when needed,
          ;; from this block's masks kept at byte 2048
          (local.set $chain (i32.const 0))
          (if (i64.ne (local.get $tm) (i64.const 0))
            (then
              (local.set $pend (i32.const 1))
              (local.set $chain (i32.const 1))
              (i32.store offset=2048 (i32.const 0) (local.get $p))
              (i32.store offset=2052 (i32.const 0) (local.get $base))
              (i64.store offset=2056 (i32.const 0) (local.get $tm))
              (i64.store offset=2064 (i32.const 0) (local.get $st))
              (i64.store offset=2072 (i32.const 0) (local.get $nt))
              (i64.store offset=2080 (i32.const 0) (local.get $lm))))
          (local.set $prevT (local.get $tm))
          (local.set $prevL (local.get $lm))
          (local.set $base (i32.add (local.get $base) (i32.wrap_i64 (i64.popcnt (local.get $lm)))))
          (local.set $p (i32.add (local.get $p) (i32.const 64)))
          (br $block))
        ;; the slow path: first the state the fast blocks before left pending
        (local.set $chain (i32.const 0))
        (if (local.get $pend)
            (then
              (local.set $pend (i32.const 0))
              (local.set $mnt (i64.load offset=2072 (i32.const 0)))
              (if (i64.ne (local.get $mnt) (i64.const 0))
                (then
                  (local.set $n (i32.sub (i32.const 63) (i32.wrap_i64 (i64.clz (local.get $mnt)))))
                  (local.set $lastEnd (i32.add (i32.load offset=2048 (i32.const 0)) (local.get $n)))
                  (local.set $lastBreaks (i32.add (i32.load offset=2052 (i32.const 0)) (i32.wrap_i64 (i64.popcnt (i64.and (i64.load offset=2080 (i32.const 0))
                    (i64.sub (i64.shl (i64.const 1) (i64.extend_i32_u (local.get $n))) (i64.const 1)))))))))
              (local.set $n (i32.sub (i32.const 63) (i32.wrap_i64 (i64.clz (i64.load offset=2056 (i32.const 0))))))
              (local.set $flags (i32.const 0))
              (local.set $mst (i64.load offset=2064 (i32.const 0)))
              (if (i64.ne (i64.const 0) (i64.and (local.get $mst)
                    (i64.xor (i64.sub (i64.shl (i64.const 2) (i64.extend_i32_u (local.get $n))) (i64.const 1)) (i64.const -1))))
                (then
                  (local.set $cand (i32.add (i32.load offset=2048 (i32.const 0)) (i32.sub (i32.const 63) (i32.wrap_i64 (i64.clz (local.get $mst))))))
                  (local.set $ok (i32.const 1)))
                (else
                  (local.set $q (i32.add (i32.load offset=2048 (i32.const 0)) (local.get $n)))
                  (local.set $cand (i32.add (i32.add (local.get $q) (i32.const 1))
                    (i32.eq (i32.load8_u offset=1 (local.get $q)) (i32.const 10))))
                  (local.set $ok (i32.const 0))))))
        ;; a line feed right after a terminator is dealt with by the terminator
        (local.set $e (i64.or (i64.or (local.get $tm) (local.get $om))
          (i64.and (local.get $lm)
            (i64.xor (i64.or (i64.shl (local.get $tm) (i64.const 1)) (i64.shr_u (local.get $prevT) (i64.const 63))) (i64.const -1)))))
        (block $blockDone
          (loop $event
            (br_if $blockDone (i64.eqz (local.get $e)))
            (local.set $bit (i64.and (local.get $e) (i64.sub (i64.const 0) (local.get $e))))
            (local.set $below (i64.sub (local.get $bit) (i64.const 1)))
            (local.set $q (i32.add (local.get $p) (i32.wrap_i64 (i64.ctz (local.get $e)))))
            (local.set $e (i64.and (local.get $e) (i64.sub (local.get $e) (i64.const 1))))
            (br_if $event (i32.lt_u (local.get $q) (local.get $cursor)))
            (if (i64.ne (i64.and (local.get $tm) (local.get $bit)) (i64.const 0))
              (then
                (local.set $lq (i32.add (local.get $base)
                  (i32.wrap_i64 (i64.popcnt (i64.and (local.get $lm) (local.get $below))))))
                (if (i32.or (i32.gt_u (local.get $q) (local.get $cand)) (local.get $skip))
                  (then
                    (if (i32.ge_u (local.get $specCount) (local.get $specCap))
                      (then
                        ;; output full: stop before this terminator
                        (local.set $end (local.get $q))
                        (local.set $base (local.get $lq))
                        (local.set $prevT (i64.const 0))
                        (local.set $prevL (i64.const 0))
                        (local.set $ok (i32.const 0))
                        (br $exit)))
                    (local.set $w (i32.load (local.get $cand)))
                    (local.set $x (i32.sub (local.get $q) (local.get $cand)))
                    (local.set $c3 (i32.shr_u (local.get $w) (i32.const 24)))
                    ;; special: a flag, no tag (a character not A-Z/0-9 among the first three, or no
                    ;; separator or terminator after them), a service segment (UN.), or too long.
                    ;; A segment shorter than 3 fails the character test on its terminator.
                    (block $regular
                      (block $special
                        (br_if $special (i32.or (local.get $flags) (local.get $skip)))
                        (br_if $special (i32.ne (i32.load8_u offset=65536 (i32.and (local.get $w) (i32.const 0xffff))) (i32.const 1)))
                        (br_if $special (i32.eqz (i32.load8_u (i32.and (i32.shr_u (local.get $w) (i32.const 16)) (i32.const 255)))))
                        (br_if $special (i32.gt_u (local.get $x) (local.get $maxLen)))
                        (br_if $regular (i32.eq (local.get $c3) (local.get $elem)))
                        (br_if $regular (i32.eq (local.get $c3) (local.get $comp)))
                        (br_if $regular (i32.eq (local.get $c3) (local.get $term))))
                      (local.set $rec (i32.add (global.get $spec) (i32.mul (local.get $specCount) (i32.const 20))))
                      (i32.store (local.get $rec) (local.get $count))
                      (i32.store offset=4 (local.get $rec) (local.get $q))
                      (i32.store offset=8 (local.get $rec) (local.get $lq))
                      (i32.store offset=12 (local.get $rec) (local.get $lastEnd))
                      (i32.store offset=16 (local.get $rec) (local.get $lastBreaks))
                      (local.set $specCount (i32.add (local.get $specCount) (i32.const 1)))
                      (local.set $skip (i32.const 0)))
                    (local.set $lastEnd (local.get $q))
                    (local.set $lastBreaks (local.get $lq))
                    (local.set $count (i32.add (local.get $count) (i32.const 1)))))
                (local.set $nl (i32.eq (i32.load8_u offset=1 (local.get $q)) (i32.const 10)))
                (local.set $cand (i32.add (i32.add (local.get $q) (i32.const 1)) (local.get $nl)))
                (local.set $flags (i32.const 0))
                (br $event)))
            (local.set $ch (i32.load8_u (local.get $q)))
            (if (i32.eq (local.get $ch) (local.get $rel))
              (then
                ;; a release character: the next byte is data, unless it is a line break
                (local.set $flags (i32.or (local.get $flags) (i32.const 2)))
                (local.set $x (i32.load8_u offset=1 (local.get $q)))
                (local.set $cursor (i32.add (local.get $q)
                  (select (i32.const 1) (i32.const 2)
                    (i32.or (i32.eq (local.get $x) (i32.const 10)) (i32.eq (local.get $x) (i32.const 13))))))
                (br $event)))
            ;; a line break: LF, or CR not followed by LF (a CRLF counts once, at its LF)
            (if (i32.eq (local.get $ch) (i32.const 13))
              (then (local.set $base (i32.add (local.get $base)
                      (i32.ne (i32.load8_u offset=1 (local.get $q)) (i32.const 10))))))
            (if (i32.eq (local.get $q) (local.get $cand))
              (then (local.set $cand (i32.add (local.get $q) (i32.const 1))))
              (else (local.set $flags (i32.or (local.get $flags) (i32.const 1)))))
            (br $event)))
        ;; after the slow path: is the open segment known plain? (its tag is read ahead)
        (local.set $ok (i32.const 0))
        (if (i32.and (i32.eqz (i32.or (local.get $flags) (local.get $skip)))
                     (i32.lt_u (i32.add (local.get $cand) (i32.const 3)) (local.get $end)))
          (then
            (local.set $w (i32.load (local.get $cand)))
            (local.set $c3 (i32.shr_u (local.get $w) (i32.const 24)))
            (local.set $ok (i32.and
              (i32.and (i32.eq (i32.load8_u offset=65536 (i32.and (local.get $w) (i32.const 0xffff))) (i32.const 1))
                       (i32.load8_u (i32.and (i32.shr_u (local.get $w) (i32.const 16)) (i32.const 255))))
              (i32.or (i32.or (i32.eq (local.get $c3) (local.get $elem)) (i32.eq (local.get $c3) (local.get $comp)))
                      (i32.eq (local.get $c3) (local.get $term)))))))
        ;; the masks, with this block's last byte at bit 63 (a block cut by the end is shorter)
        (local.set $n (select (i32.const 64) (i32.sub (local.get $end) (local.get $p))
          (i32.ge_u (i32.sub (local.get $end) (local.get $p)) (i32.const 64))))
        (local.set $prevT (i64.shl (local.get $tm) (i64.extend_i32_u (i32.sub (i32.const 64) (local.get $n)))))
        (local.set $prevL (i64.shl (local.get $lm) (i64.extend_i32_u (i32.sub (i32.const 64) (local.get $n)))))
        (local.set $base (i32.add (local.get $base) (i32.wrap_i64 (i64.popcnt (local.get $lm)))))
        (local.set $p (i32.add (local.get $p) (i32.const 64)))
        (br $block)))
    (if (local.get $pend)
            (then
              (local.set $pend (i32.const 0))
              (local.set $mnt (i64.load offset=2072 (i32.const 0)))
              (if (i64.ne (local.get $mnt) (i64.const 0))
                (then
                  (local.set $n (i32.sub (i32.const 63) (i32.wrap_i64 (i64.clz (local.get $mnt)))))
                  (local.set $lastEnd (i32.add (i32.load offset=2048 (i32.const 0)) (local.get $n)))
                  (local.set $lastBreaks (i32.add (i32.load offset=2052 (i32.const 0)) (i32.wrap_i64 (i64.popcnt (i64.and (i64.load offset=2080 (i32.const 0))
                    (i64.sub (i64.shl (i64.const 1) (i64.extend_i32_u (local.get $n))) (i64.const 1)))))))))
              (local.set $n (i32.sub (i32.const 63) (i32.wrap_i64 (i64.clz (i64.load offset=2056 (i32.const 0))))))
              (local.set $flags (i32.const 0))
              (local.set $mst (i64.load offset=2064 (i32.const 0)))
              (if (i64.ne (i64.const 0) (i64.and (local.get $mst)
                    (i64.xor (i64.sub (i64.shl (i64.const 2) (i64.extend_i32_u (local.get $n))) (i64.const 1)) (i64.const -1))))
                (then
                  (local.set $cand (i32.add (i32.load offset=2048 (i32.const 0)) (i32.sub (i32.const 63) (i32.wrap_i64 (i64.clz (local.get $mst))))))
                  (local.set $ok (i32.const 1)))
                (else
                  (local.set $q (i32.add (i32.load offset=2048 (i32.const 0)) (local.get $n)))
                  (local.set $cand (i32.add (i32.add (local.get $q) (i32.const 1))
                    (i32.eq (i32.load8_u offset=1 (local.get $q)) (i32.const 10))))
                  (local.set $ok (i32.const 0))))))
    (global.set $pos (local.get $end))
    (global.set $breaks (local.get $base))
    (global.set $cand (local.get $cand))
    (global.set $flags (local.get $flags))
    (global.set $cursor (local.get $cursor))
    (global.set $prevT (local.get $prevT))
    (global.set $prevL (local.get $prevL))
    (global.set $ok (local.get $ok))
    (if (i8x16.bitmask (local.get $hi)) (then (global.set $high (i32.const 1))))
    (global.set $count (local.get $count))
    (global.set $specCount (local.get $specCount))
    (global.set $skip (local.get $skip))
    (global.set $lastEnd (local.get $lastEnd))
    (global.set $lastBreaks (local.get $lastBreaks))
    (local.get $end))
)
