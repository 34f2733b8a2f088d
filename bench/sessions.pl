#!/usr/bin/perl
# Mint session cookies and their CSRF tokens as ecomd issues them, for the
# benchmarks: N lines of "COOKIE TOKEN" for HOST, signed with the stack's
# keys (docs/architecture.md, "Sessions and CSRF"): a cookie is
# "sid=<id>.<issued>.<mac>", mac the first 16 bytes of HMAC-SHA256 over
# "session\n<id>\n<issued>" under the session key; the token the first 16
# bytes of HMAC-SHA256 over "csrf\n<host>\n<id>" under the form key. A run
# of wrk then adds each line in a session of its own without first asking
# for one with a GET, as a first visit's add would, and measures the add.
#
#   bench/sessions.pl SESSION_KEY_FILE FORM_KEY_FILE HOST N > FILE
use strict;
use warnings;
use Digest::SHA qw(hmac_sha256_hex);

my ($skf, $fkf, $host, $n) = @ARGV;
die "usage: $0 SESSION_KEY_FILE FORM_KEY_FILE HOST N\n" unless $n;
sub key { open(my $f, '<:raw', $_[0]) or die "$_[0]: $!\n"; read($f, my $k, 32) == 32 or die "$_[0]: short\n"; $k }
my ($sk, $fk) = (key($skf), key($fkf));
open(my $r, '<:raw', '/dev/urandom') or die;
my $now = time;
for (1 .. $n) {
    read($r, my $b, 32) == 32 or die;
    my $id = unpack('H*', $b);
    my $mac = substr(hmac_sha256_hex("session\n$id\n$now", $sk), 0, 32);
    my $token = substr(hmac_sha256_hex("csrf\n$host\n$id", $fk), 0, 32);
    print "sid=$id.$now.$mac $token\n";
}
