<?php
// The test users of the local identity provider (exampleauth:UserPass). They are read on every
// request from the stack's state (users.json, written by setIdpUsers() in local-stack/idp.ts), so
// a test can add a user or take one away (a leaver disabled at the IdP) while the IdP runs;
// without that file, the defaults in ../users.json.
$state = getenv('FLUXERA_IDP_STATE') ?: sys_get_temp_dir() . '/fluxera-idp';
$file = is_file($state . '/users.json') ? $state . '/users.json' : dirname(__DIR__) . '/users.json';
$users = json_decode(file_get_contents($file), true) ?: [];
$userpass = ['exampleauth:UserPass'];
foreach ($users as $u) {
    $attributes = [
        'uid' => [$u['uid']],
        'email' => [$u['email']],
        'name' => [$u['name'] ?? $u['uid']],
    ];
    if (!empty($u['groups'])) {
        $attributes['groups'] = array_values($u['groups']);
    }
    $userpass[$u['username'] . ':' . $u['password']] = $attributes;
}
$config = [
    'admin' => ['core:AdminPassword'],
    'fluxera-users' => $userpass,
];
